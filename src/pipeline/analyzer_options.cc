// AnalyzerOptions as JSON: the config file of `voc --config` and Python's
// Analyzer(config=...). Every key is optional; an unknown key, a wrong type or
// a value out of range is an InvalidArgument error naming the key.
#include <cmath>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/json_depth.h"
#include "voc/analyzer.h"

namespace voc {
namespace {

using json = nlohmann::json;

// Reads the keys of one object of the config into fields; `where` names the
// object in error messages ("sentiment", or "" for the top level).
class Fields {
 public:
  Fields(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  Status Check(std::initializer_list<const char*> known) const {
    if (!obj_.is_object()) return Error(where_.empty() ? "config" : where_, "must be an object");
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) {
        std::string list;
        for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
        return Error(Name(it.key()), "is not an option (known: " + list + ")");
      }
    }
    return Status::Ok();
  }
  bool Has(const char* key) const { return obj_.contains(key); }
  const json& At(const char* key) const { return obj_.at(key); }
  std::string Name(std::string_view key) const {
    return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
  }

  Status Get(const char* key, std::string* out) const {
    if (!Has(key)) return Status::Ok();
    if (!At(key).is_string()) return Error(Name(key), "must be a string");
    *out = At(key).get<std::string>();
    return Status::Ok();
  }
  Status Get(const char* key, bool* out) const {
    if (!Has(key)) return Status::Ok();
    if (!At(key).is_boolean()) return Error(Name(key), "must be true or false");
    *out = At(key).get<bool>();
    return Status::Ok();
  }
  Status Get(const char* key, int* out, int lo, int hi) const {
    if (!Has(key)) return Status::Ok();
    const json& v = At(key);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
      return Error(Name(key), "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    *out = v.get<int>();
    return Status::Ok();
  }
  Status Get(const char* key, double* out, double lo, double hi) const {
    if (!Has(key)) return Status::Ok();
    const json& v = At(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
      return Error(Name(key), "must be a number from " + Num(lo) + " to " + Num(hi));
    *out = v.get<double>();
    return Status::Ok();
  }
  Status Get(const char* key, std::vector<std::string>* out) const {
    if (!Has(key)) return Status::Ok();
    const json& v = At(key);
    if (!v.is_array()) return Error(Name(key), "must be an array of strings");
    out->clear();
    for (const json& s : v) {
      if (!s.is_string()) return Error(Name(key), "must be an array of strings");
      out->push_back(s.get<std::string>());
    }
    return Status::Ok();
  }

  static Status Error(const std::string& name, const std::string& what) {
    return InvalidArgumentError("config: " + name + " " + what);
  }

 private:
  static std::string Num(double d) {
    std::string s = std::to_string(d);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  const json& obj_;
  std::string where_;
};

Status ApplyNormalizer(const json& j, NormalizerOptions* o) {
  Fields f(j, "normalizer");
  VOC_RETURN_IF_ERROR(f.Check(
      {"form", "decode_html_entities", "collapse_whitespace", "keep_line_breaks", "remove_controls"}));
  std::string form = o->form == NormalizerOptions::Form::kNFKC ? "NFKC" : "NFC";
  VOC_RETURN_IF_ERROR(f.Get("form", &form));
  if (form != "NFC" && form != "NFKC") return Fields::Error("normalizer.form", "must be \"NFC\" or \"NFKC\"");
  o->form = form == "NFKC" ? NormalizerOptions::Form::kNFKC : NormalizerOptions::Form::kNFC;
  VOC_RETURN_IF_ERROR(f.Get("decode_html_entities", &o->decode_html_entities));
  VOC_RETURN_IF_ERROR(f.Get("collapse_whitespace", &o->collapse_whitespace));
  VOC_RETURN_IF_ERROR(f.Get("keep_line_breaks", &o->keep_line_breaks));
  return f.Get("remove_controls", &o->remove_controls);
}

Status ApplyRedactor(const json& j, RedactorOptions* o) {
  Fields f(j, "redactor");
  VOC_RETURN_IF_ERROR(f.Check({"email", "phone", "card", "ssn", "iban", "ip", "url", "account", "address",
                               "extra_patterns", "keep_existing_masks"}));
  VOC_RETURN_IF_ERROR(f.Get("email", &o->email));
  VOC_RETURN_IF_ERROR(f.Get("phone", &o->phone));
  VOC_RETURN_IF_ERROR(f.Get("card", &o->card));
  VOC_RETURN_IF_ERROR(f.Get("ssn", &o->ssn));
  VOC_RETURN_IF_ERROR(f.Get("iban", &o->iban));
  VOC_RETURN_IF_ERROR(f.Get("ip", &o->ip));
  VOC_RETURN_IF_ERROR(f.Get("url", &o->url));
  VOC_RETURN_IF_ERROR(f.Get("account", &o->account));
  VOC_RETURN_IF_ERROR(f.Get("address", &o->address));
  VOC_RETURN_IF_ERROR(f.Get("extra_patterns", &o->extra_patterns));
  return f.Get("keep_existing_masks", &o->keep_existing_masks);
}

Status ApplySentiment(const json& j, SentimentOptions* o) {
  Fields f(j, "sentiment");
  VOC_RETURN_IF_ERROR(
      f.Check({"model_weight", "model_temperature", "neutral_threshold", "sentences", "max_evidence"}));
  VOC_RETURN_IF_ERROR(f.Get("model_weight", &o->model_weight, 0.0, 1.0));
  VOC_RETURN_IF_ERROR(f.Get("model_temperature", &o->model_temperature, 0.01, 100.0));
  VOC_RETURN_IF_ERROR(f.Get("neutral_threshold", &o->neutral_threshold, 0.0, 1.0));
  VOC_RETURN_IF_ERROR(f.Get("sentences", &o->sentences));
  return f.Get("max_evidence", &o->max_evidence, 0, 1000);
}

Status ApplySignals(const json& j, SignalOptions* o) {
  Fields f(j, "signals");
  VOC_RETURN_IF_ERROR(f.Check({"emotion_threshold", "negation", "max_hits_per_signal", "extra_cues"}));
  VOC_RETURN_IF_ERROR(f.Get("emotion_threshold", &o->emotion_threshold, 0.0, 1.0));
  VOC_RETURN_IF_ERROR(f.Get("negation", &o->negation));
  VOC_RETURN_IF_ERROR(f.Get("max_hits_per_signal", &o->max_hits_per_signal, 1, 1000));
  if (!f.Has("extra_cues")) return Status::Ok();
  const json& cues = f.At("extra_cues");
  if (!cues.is_array()) return Fields::Error("signals.extra_cues", "must be an array of objects");
  o->extra_cues.clear();
  for (size_t i = 0; i < cues.size(); ++i) {
    Fields c(cues[i], "signals.extra_cues[" + std::to_string(i) + "]");
    VOC_RETURN_IF_ERROR(c.Check({"signal", "name", "pattern", "negatable"}));
    SignalCue cue;
    std::string signal;
    VOC_RETURN_IF_ERROR(c.Get("signal", &signal));
    bool found = false;
    for (int s = 0; s < kSignalCount; ++s) {
      if (signal == SignalName(static_cast<Signal>(s))) {
        cue.signal = static_cast<Signal>(s);
        found = true;
      }
    }
    if (!found) {
      std::string list;
      for (int s = 0; s < kSignalCount; ++s)
        list += std::string(s ? ", " : "") + SignalName(static_cast<Signal>(s));
      return Fields::Error(c.Name("signal"), "must be one of " + list + ", not \"" + signal + "\"");
    }
    VOC_RETURN_IF_ERROR(c.Get("name", &cue.name));
    VOC_RETURN_IF_ERROR(c.Get("pattern", &cue.pattern));
    VOC_RETURN_IF_ERROR(c.Get("negatable", &cue.negatable));
    if (cue.name.empty() || cue.pattern.empty())
      return Fields::Error(c.Name("name"), "and pattern must be given and not empty");
    o->extra_cues.push_back(std::move(cue));
  }
  return Status::Ok();
}

Status ApplyThemes(const json& j, ThemeOptions* o) {
  Fields f(j, "theme_rules");
  VOC_RETURN_IF_ERROR(f.Check({"max_evidence_per_rule", "use_rules"}));
  VOC_RETURN_IF_ERROR(f.Get("max_evidence_per_rule", &o->max_evidence_per_rule, 1, 1000));
  return f.Get("use_rules", &o->use_rules);
}

}  // namespace

Status ApplyAnalyzerConfig(std::string_view config, AnalyzerOptions* options) {
  if (std::string deep = internal::JsonDepthError(config); !deep.empty())
    return InvalidArgumentError("config: " + deep);
  json j = json::parse(config, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("config: not valid JSON");
  AnalyzerOptions o = *options;  // unchanged on error
  Fields f(j, "");
  VOC_RETURN_IF_ERROR(f.Check({"models_dir", "sentiment_model", "themes", "themes_model",
                               "themes_model_top_k", "industry", "language", "customer_salt", "adapted_model",
                               "normalizer", "redactor", "sentiment", "signals", "theme_rules"}));
  VOC_RETURN_IF_ERROR(f.Get("models_dir", &o.models_dir));
  VOC_RETURN_IF_ERROR(f.Get("sentiment_model", &o.sentiment_model));
  VOC_RETURN_IF_ERROR(f.Get("themes", &o.themes));
  VOC_RETURN_IF_ERROR(f.Get("themes_model", &o.themes_model));
  VOC_RETURN_IF_ERROR(f.Get("themes_model_top_k", &o.themes_model_top_k, 1, 1000));
  VOC_RETURN_IF_ERROR(f.Get("industry", &o.industry));
  VOC_RETURN_IF_ERROR(f.Get("language", &o.language));
  VOC_RETURN_IF_ERROR(f.Get("customer_salt", &o.customer_salt));
  VOC_RETURN_IF_ERROR(f.Get("adapted_model", &o.adapted_model));
  if (f.Has("normalizer")) VOC_RETURN_IF_ERROR(ApplyNormalizer(f.At("normalizer"), &o.normalizer));
  if (f.Has("redactor")) VOC_RETURN_IF_ERROR(ApplyRedactor(f.At("redactor"), &o.redactor));
  if (f.Has("sentiment")) VOC_RETURN_IF_ERROR(ApplySentiment(f.At("sentiment"), &o.sentiment_options));
  if (f.Has("signals")) VOC_RETURN_IF_ERROR(ApplySignals(f.At("signals"), &o.signal_options));
  if (f.Has("theme_rules")) VOC_RETURN_IF_ERROR(ApplyThemes(f.At("theme_rules"), &o.theme_options));
  *options = std::move(o);
  return Status::Ok();
}

std::string AnalyzerConfigToJson(const AnalyzerOptions& o) {
  json j;
  j["models_dir"] = o.models_dir;
  j["sentiment_model"] = o.sentiment_model;
  j["themes"] = o.themes;
  j["themes_model"] = o.themes_model;
  j["themes_model_top_k"] = o.themes_model_top_k;
  j["industry"] = o.industry;
  j["language"] = o.language;
  j["adapted_model"] = o.adapted_model;  // the customer salt is a secret: never written
  j["normalizer"] = {{"form", o.normalizer.form == NormalizerOptions::Form::kNFKC ? "NFKC" : "NFC"},
                     {"decode_html_entities", o.normalizer.decode_html_entities},
                     {"collapse_whitespace", o.normalizer.collapse_whitespace},
                     {"keep_line_breaks", o.normalizer.keep_line_breaks},
                     {"remove_controls", o.normalizer.remove_controls}};
  const RedactorOptions& r = o.redactor;
  j["redactor"] = {{"email", r.email},
                   {"phone", r.phone},
                   {"card", r.card},
                   {"ssn", r.ssn},
                   {"iban", r.iban},
                   {"ip", r.ip},
                   {"url", r.url},
                   {"account", r.account},
                   {"address", r.address},
                   {"extra_patterns", r.extra_patterns},
                   {"keep_existing_masks", r.keep_existing_masks}};
  const SentimentOptions& s = o.sentiment_options;
  j["sentiment"] = {{"model_weight", s.model_weight},
                    {"model_temperature", s.model_temperature},
                    {"neutral_threshold", s.neutral_threshold},
                    {"sentences", s.sentences},
                    {"max_evidence", s.max_evidence}};
  const SignalOptions& g = o.signal_options;
  json cues = json::array();
  for (const SignalCue& c : g.extra_cues)
    cues.push_back({{"signal", SignalName(c.signal)},
                    {"name", c.name},
                    {"pattern", c.pattern},
                    {"negatable", c.negatable}});
  j["signals"] = {{"emotion_threshold", g.emotion_threshold},
                  {"negation", g.negation},
                  {"max_hits_per_signal", g.max_hits_per_signal},
                  {"extra_cues", cues}};
  j["theme_rules"] = {{"max_evidence_per_rule", o.theme_options.max_evidence_per_rule},
                      {"use_rules", o.theme_options.use_rules}};
  return j.dump(2) + "\n";
}

}  // namespace voc
