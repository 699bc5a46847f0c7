def test_help_lists_commands(voc):
    r = voc("--help")
    assert r.code == 0
    assert "usage: voc <command>" in r.out


def test_unknown_command_is_usage_error(voc):
    r = voc("frobnicate")
    assert r.code == 2
    assert "voc: unknown command 'frobnicate'" in r.err


def test_no_command_prints_usage(voc):
    r = voc()
    assert r.code == 2
    assert "usage: voc" in r.err
