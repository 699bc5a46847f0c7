#!/usr/bin/env python3
"""Shows that each rule of check_layers.py fails when broken (ctest: layers_check).

Builds a small tree (src/<stage>/, include/voc/) that passes, then breaks one
rule at a time and expects exit 1 with the rule's message.
"""
import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layers  # noqa: E402

GOOD_HEADER = """// voc/tokenizer.h
#include "voc/status.h"
namespace voc {
struct Token {
  int kind = 0;
};
class Tokenizer {
 public:
  // internal::Anything in a comment is fine, and so is a "friend" string.
  int Count() const;

 private:
  friend class ImplAccess;  // the one access idiom
  struct Impl;
  Impl* impl_;
};
}  // namespace voc
"""


class CheckLayersTest(unittest.TestCase):
    def tree(self, header=GOOD_HEADER, source='#include "util/json_text.h"\n'):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "src", "text"))
        os.makedirs(os.path.join(root, "include", "voc"))
        with open(os.path.join(root, "src", "text", "a.cc"), "w") as f:
            f.write(source)
        with open(os.path.join(root, "include", "voc", "tokenizer.h"), "w") as f:
            f.write(header)
        return root

    def run_check(self, root):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = check_layers.main(root)
        return rc, out.getvalue()

    def test_good_tree_passes(self):
        rc, out = self.run_check(self.tree())
        self.assertEqual(rc, 0, out)

    def test_forward_include_fails(self):
        rc, out = self.run_check(self.tree(source='#include "insight/aggregate_data.h"\n'))
        self.assertEqual(rc, 1)
        self.assertIn("src/text/a.cc: includes insight/aggregate_data.h of the later stage insight", out)

    def test_internal_name_fails(self):
        header = GOOD_HEADER.replace("int Count() const;", "const internal::Data& data() const;")
        rc, out = self.run_check(self.tree(header))
        self.assertEqual(rc, 1)
        self.assertIn("include/voc/tokenizer.h:10: names an internal type", out)

    def test_internal_namespace_fails(self):
        header = GOOD_HEADER.replace("namespace voc {", "namespace voc {\nnamespace internal {\nstruct X;\n}")
        rc, out = self.run_check(self.tree(header))
        self.assertEqual(rc, 1)
        self.assertIn("names an internal type (namespace internal {)", out)

    def test_other_friend_fails(self):
        header = GOOD_HEADER.replace("friend class ImplAccess;", "friend struct Helper;")
        rc, out = self.run_check(self.tree(header))
        self.assertEqual(rc, 1)
        self.assertIn("a friend other than `friend class ImplAccess;` (friend struct Helper;)", out)

    def test_public_impl_fails(self):
        header = GOOD_HEADER.replace("  int Count() const;\n", "  int Count() const;\n  struct Impl;\n")
        header = header.replace("  struct Impl;\n  Impl* impl_;", "  Impl* impl_;")
        rc, out = self.run_check(self.tree(header))
        self.assertEqual(rc, 1)
        self.assertIn("include/voc/tokenizer.h:11: `struct Impl;` is not private", out)

    def test_impl_of_nested_struct_is_private_by_default(self):
        header = GOOD_HEADER.replace(" private:\n", "").replace("  friend class", " private:\n  friend class")
        header = header.replace("struct Token {\n", "struct Token {\n  struct Impl;\n")
        rc, out = self.run_check(self.tree(header))
        self.assertEqual(rc, 1)
        self.assertIn("include/voc/tokenizer.h:5: `struct Impl;` is not private", out)


if __name__ == "__main__":
    unittest.main()
