// SignalDetector: built-in cue patterns for the CX signals, found with one
// RE2::Set pass, plus the emotion-intensity features.
#include "voc/signals.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "patterns/regex_set.h"
#include "text/segment.h"
#include "text/text_scan.h"
#include "themes/shared_patterns.h"
#include "util/impl_access.h"
#include "themes/signals_internal.h"

namespace voc {

namespace {

struct BuiltinCue {
  Signal signal;
  const char* name;
  const char* pattern;
  bool negatable;
};

// A verb of contacting the company.
// The cue patterns are laid out by hand.
// clang-format off
#define VOC_CONTACT_VERB \
  "(?:called|call|phoned|rang|emailed|e-mailed|contacted|messaged|chatted|wrote|written|faxed|mailed|spoke|spoken|talked|reached out)"
#define VOC_COUNT_WORD \
  "(?:two|three|four|five|six|seven|eight|nine|ten|[0-9]+|several|multiple|many|numerous|countless|dozens of|hundreds of|a few|a couple of|a number of)"
#define VOC_APOS "['’]"

// The built-in cues. Names are what evidence reports ("cue:<name>").
const BuiltinCue kCues[] = {
    // ---- repeat contact: not right the first time -------------------------
    {Signal::kRepeatContact, "contacted again",
     "\\b" VOC_CONTACT_VERB "\\b[^.!?\\n]{0,40}?\\b(?:again|once more|back (?:again|several times|multiple times)|repeatedly|" VOC_COUNT_WORD " (?:times|more times)|(?:twice|three times))\\b",
     false},
    {Signal::kRepeatContact, "nth time",
     "\\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|eighth|tenth|umpteenth|nth|one more|another) (?:time|call|attempt|complaint|dispute|letter|request)s?\\b",
     false},
    {Signal::kRepeatContact, "still unresolved",
     "\\bstill (?:not|isn" VOC_APOS "?t|hasn" VOC_APOS "?t|haven" VOC_APOS "?t|doesn" VOC_APOS "?t|don" VOC_APOS "?t|didn" VOC_APOS "?t|can" VOC_APOS "?t|cannot|no|never|unresolved|broken|pending|outstanding|showing|reporting|waiting|have not|has not|does not|did not|nothing|the same problem|the same issue|an issue|a problem)\\b",
     false},
    {Signal::kRepeatContact, "reopened",
     "\\bre-?open(?:ed|ing)? (?:my |the |a |this |our |his |her )?(?:case|ticket|complaint|dispute|claim|investigation|issue|request)\\b|\\b(?:case|ticket|complaint|dispute|claim|investigation|issue) (?:was |has been |had been |got )?re-?opened\\b",
     false},
    {Signal::kRepeatContact, "keep contacting",
     "\\b(?:keep|kept|keeps|continue to|continued to|have to keep) (?:calling|contacting|emailing|writing|asking|disputing|getting transferred|being transferred|being told|getting the same|sending)\\b",
     false},
    {Signal::kRepeatContact, "again and again",
     "\\b(?:again and again|over and over(?: again)?|time (?:and|after) time|yet again|once again|all over again)\\b",
     false},
    {Signal::kRepeatContact, "multiple times",
     "\\b" VOC_COUNT_WORD " (?:times|calls|phone calls|attempts|emails|e-mails|letters|requests|disputes|complaints|occasions|tickets|visits|messages)\\b",
     false},
    {Signal::kRepeatContact, "already contacted",
     "\\b(?:already|previously) (?:called|contacted|disputed|complained|reported|sent|submitted|provided|explained|emailed|filed|wrote)\\b",
     false},
    {Signal::kRepeatContact, "not resolved",
     "\\b(?:never|not|wasn" VOC_APOS "?t|was not|hasn" VOC_APOS "?t|has not|haven" VOC_APOS "?t|have not|isn" VOC_APOS "?t|is not|never been|not been|still not been) (?:been )?(?:resolved|fixed|corrected|addressed|rectified|solved|taken care of)\\b",
     false},

    // ---- effort: the path of least resistance is broken ---------------------
    {Signal::kEffort, "transferred",
     "\\b(?:transferr?ed|transferring|transfers) (?:me|my call|us|the call)\\b|\\b(?:got|get|getting|was|were|keep getting|kept getting|being|been) (?:transferr?ed|bounced|passed|shuffled)(?: (?:around|back and forth|again|\\w+ times)| to (?:another|a different|the wrong|a|an|the|yet another) (?:\\w+ )?(?:department|agent|rep|representative|person|supervisor|manager|line|team|specialist))\\b|\\b(?:bounced (?:around|back and forth)|passed (?:around|from one|back and forth)|shuffled (?:around|between)|run-?around|runaround)\\b",
     true},
    {Signal::kEffort, "on hold", "\\b(?:on|placed on|put on|kept on|left on|sat on|waiting on) hold\\b", true},
    {Signal::kEffort, "long wait",
     "\\b(?:waited|waiting|wait|hold|held|queue|queued|sat)\\b[^.!?\\n]{0,20}?\\b(?:over |more than |almost |nearly |about |for )?(?:an? |[0-9]+\\+? ?|one |two |three |four |five |several |many |forty[- ]five |thirty |twenty |45 )(?:minutes|mins|hours|hrs|hour)\\b",
     true},
    {Signal::kEffort, "had to repeat",
     "\\b(?:had|have|having|needed|need|forced|asked) to (?:repeat|re-?explain|explain (?:it |this |everything |my (?:situation|issue|problem|case) )?(?:again|all over|over again|to each)|start (?:all )?over|resubmit|re-?send|re-?submit|re-?enter|re-?apply|re-?upload|re-?file|re-?dispute|fill out|go through)\\b",
     true},
    {Signal::kEffort, "several channels",
     "\\b(?:called|phoned|emailed|e-mailed|chatted|wrote|faxed|mailed|visited|tweeted|messaged)\\b[^.!?\\n]{0,40}?(?:,|\\band\\b|\\bthen\\b) ?(?:(?:I|we) )?(?:also )?(?:called|phoned|emailed|e-mailed|chatted|wrote|faxed|mailed|visited|tweeted|messaged|went to)\\b",
     true},
    {Signal::kEffort, "paperwork",
     "\\b(?:(?:more|endless|so much|mountains? of|piles? of|same|all the) paperwork|faxed|faxing|fax (?:it|them|the|my)|notari[sz]ed|certified (?:mail|letter)|fill(?:ed|ing)? out (?:a |the |another |more |multiple |all |these |those )?(?:forms?|paperwork|applications?))\\b",
     true},
    {Signal::kEffort, "hoops",
     "\\b(?:jump(?:ed|ing)? through (?:\\w+ )?hoops|hoops to jump|hassle|nightmare|headache|exhausting|time-consuming|time consuming|waste of (?:my )?time|wasted (?:hours|days|weeks|my time|so much time))\\b",
     true},
    {Signal::kEffort, "several visits",
     "\\b(?:went|drove|go|going|gone|trips?|walked) (?:back )?(?:to|into) (?:the|a|your|their) (?:store|branch|bank|office|post office|dealership|shop)\\b[^.!?\\n]{0,30}?\\b(?:twice|again|(?:two|three|four|several|multiple) times)\\b",
     true},
    {Signal::kEffort, "hard to reach",
     "\\b(?:impossible to|hard to|difficult to|unable to|could ?n[o" VOC_APOS "]?t|can ?n[o" VOC_APOS "]?t|never able to|no way to) (?:reach|get (?:a )?hold of|get ahold of|get through|contact|speak (?:to|with) (?:a|an|someone|anyone|a human|a person|a live)|talk to (?:a|an|someone|anyone|a human|a person|a live)|get an answer)\\b",
     true},
    {Signal::kEffort, "disconnected",
     "\\b(?:hung up on|hangs up on|call (?:was |got )?dropped|got disconnected|was disconnected|disconnected me|call disconnected)\\b",
     true},

    // ---- avoidable contact: the best service is no service ------------------
    {Signal::kAvoidableContact, "where is my order",
     "\\bwhere(?:" VOC_APOS "s| is| are) (?:my|our|the) (?:order|package|parcel|refund|delivery|money|card|item|items|shipment|stuff|purchase|check|cheque|payment)\\b",
     false},
    {Signal::kAvoidableContact, "tracking",
     "\\b(?:track(?:ing)? (?:my |the |an? )?(?:order|package|parcel|shipment|delivery|refund)|tracking (?:number|info|information|link|page))\\b",
     false},
    {Signal::kAvoidableContact, "never received",
     "\\b(?:never (?:received|got|arrived|came|showed up|delivered)|has(?:n" VOC_APOS "?t| not) (?:arrived|been delivered|shown up|come)|have(?:n" VOC_APOS "?t| not) (?:received|gotten|got)|did(?:n" VOC_APOS "?t| not) (?:arrive|receive|get (?:it|my|the|a|an|any))|not (?:yet )?(?:received|delivered|arrived))\\b",
     false},
    {Signal::kAvoidableContact, "wrong item",
     "\\b(?:wrong (?:item|size|colou?r|product|order|package|parcel|model|part|address|amount|account|name)|not what I ordered|sent (?:me )?the wrong)\\b",
     false},
    {Signal::kAvoidableContact, "damaged on arrival",
     "\\b(?:(?:arrived|came|was delivered|were delivered|received it|showed up) (?:\\w+ )?(?:broken|damaged|cracked|defective|dented|torn|ripped|smashed|shattered|leaking|not working|dead)|(?:damaged|broken|defective|dead) (?:on|upon) (?:arrival|delivery)|doa)\\b",
     false},
    {Signal::kAvoidableContact, "billing error",
     "\\b(?:over-?charged|over-?billed|double[- ]charged|double[- ]billed|charged (?:me )?twice|billed (?:me )?twice|charged (?:me )?two times|incorrect(?:ly)? (?:bill|billed|charged|charge|charges|amount|invoice|statement)|billing (?:error|mistake|issue|problem)|wrong(?:ly)? (?:charged|billed|charge|bill|invoice)|charged (?:me )?(?:the )?wrong|duplicate (?:charge|payment|transaction)s?)\\b",
     false},
    {Signal::kAvoidableContact, "unclear instructions",
     "\\b(?:(?:instructions|directions|manual|steps|process|letter|statement|bill|website|site|app|form)\\b[^.!?\\n]{0,25}?\\b(?:unclear|confusing|not clear|incomplete|vague|make no sense|made no sense|does(?:n" VOC_APOS "?t| not) make sense|hard to (?:understand|follow|find|read))|(?:confusing|unclear|vague|contradictory|conflicting) (?:instructions|directions|information|info|process|website|bill|statement|letter|answers?|terms))\\b",
     false},
    {Signal::kAvoidableContact, "how do I",
     "\\bhow (?:do|can|could|would|should|to)(?: I| we| you)? (?:change|update|reset|cancel|track|check|get|find|download|set up|setup|edit|delete|create|recover|see|view|pay|add|remove|return|close|open|dispute|contact|reach|submit|file|claim|use|register|sign up|log ?in|unsubscribe|modify|switch)\\b",
     false},
    {Signal::kAvoidableContact, "cannot log in",
     "\\b(?:(?:can ?n[o" VOC_APOS "]?t|cannot|unable to|could ?n[o" VOC_APOS "]?t|won" VOC_APOS "?t let me|not able to) (?:log ?in|sign ?in|login|access my (?:account|profile|online)|reset (?:my )?password)|(?:forgot|forgotten|lost|reset|recover) (?:my )?(?:password|username|user name|login|pin)|locked out)\\b",
     false},
    {Signal::kAvoidableContact, "no confirmation",
     "\\b(?:no|never (?:got|received) (?:a|an|any)|didn" VOC_APOS "?t (?:get|receive) (?:a|an|any)) (?:confirmation|receipt|invoice|tracking number|order number)\\b",
     false},

    // ---- churn risk --------------------------------------------------------
    {Signal::kChurnRisk, "cancel my account",
     "\\b(?:cancel|cancell?ing|close|closing|terminate|terminating|end|ending|delete|deleting|discontinue|discontinuing) (?:my|our|this|the) (?:\\w+ )?(?:account|accounts|membership|subscription|service|contract|card|policy|plan|business|relationship|loan|line)\\b",
     true},
    {Signal::kChurnRisk, "closed my account",
     "\\b(?:I|we) (?:have |had |just |finally |already )?(?:closed|cancell?ed|terminated|ended|deleted) (?:my|our|the|all) (?:\\w+ )?(?:account|accounts|membership|subscription|service|contract|card|cards|policy|plan|relationship)\\b",
     true},
    {Signal::kChurnRisk, "switching",
     "\\b(?:switch(?:ing|ed)?|mov(?:e|ing)) (?:my (?:business|account|accounts|money|service|number|banking) )?(?:over )?to (?:another|a different|a competitor|your competitor|competitor|the competition|\\w+ instead)\\b|\\bswitch(?:ing|ed)? (?:banks|carriers|providers|companies|airlines|insurers|brands)\\b",
     true},
    {Signal::kChurnRisk, "take my business elsewhere",
     "\\b(?:take|taking|took|move|moving|moved|bring|bringing|spend|spending) (?:my|our) (?:business|money|account|accounts|custom|banking)\\b[^.!?\\n]{0,12}?\\b(?:elsewhere|somewhere else|to another|to a different|to a competitor)\\b",
     true},
    {Signal::kChurnRisk, "never again",
     "\\bnever (?:buy|buying|order|ordering|shop|shopping|use|using|fly|flying|bank|banking|do business|doing business|purchase|purchasing|recommend|return|go back|come back|deal)\\b[^.!?\\n]{0,30}?\\b(?:again|from (?:you|them|this|here)|with (?:you|them|this)|here)\\b",
     false},
    {Signal::kChurnRisk, "won't be back",
     "\\b(?:won" VOC_APOS "?t|will not|will never|wont) (?:be (?:back|returning|buying|ordering|shopping|using|renewing|recommending)|buy|order|shop|return|renew|recommend|use (?:you|them|this|your))\\b",
     false},
    {Signal::kChurnRisk, "lost a customer",
     "\\b(?:lost (?:a|my|me as a|another|one) (?:loyal |long-?time |valued )?customer|(?:former|ex-) ?customer|done with (?:you|them|this company|this bank|your company)|(?:I" VOC_APOS "?m|I am|we" VOC_APOS "?re|we are) (?:leaving|done|finished) with)\\b",
     false},

    // ---- expectation mismatch (truth in marketing) ---------------------------
    {Signal::kExpectationMismatch, "was told",
     "\\b(?:I|we|he|she|they) (?:was|were) (?:told|promised|assured|quoted|guaranteed|led to believe)\\b",
     true},
    {Signal::kExpectationMismatch, "promised",
     "\\b(?:promised|assured|guaranteed|guarantee|promise)(?: me| us)?\\b",
     true},
    {Signal::kExpectationMismatch, "advertised as",
     "\\b(?:advertised|marketed|listed|described|pictured|labell?ed|sold|promoted|billed) as\\b|\\b(?:ad|advertisement|advert|website|description|listing|commercial) (?:said|says|stated|states|claimed|claims|promised|showed)\\b",
     true},
    {Signal::kExpectationMismatch, "not as described",
     "\\bnot (?:as|what (?:was|is)) (?:described|advertised|pictured|shown|promised|expected|stated|represented)\\b|\\bnot what I (?:expected|was expecting|ordered|paid for)\\b",
     false},
    {Signal::kExpectationMismatch, "supposed to",
     "\\b(?:(?:was|were|is|are) supposed to|(?:was|were) meant to|should have been|should(?:" VOC_APOS "ve| have) (?:received|gotten|been|arrived))\\b",
     true},
    {Signal::kExpectationMismatch, "misleading",
     "\\b(?:misleading|misled|mislead|false advertising|bait[- ]and[- ]switch|deceptive|deceived|deceiving|lied (?:to|about)|lying to|false promises?|falsely)\\b",
     true},
    {Signal::kExpectationMismatch, "differs from picture",
     "\\b(?:different|darker|lighter|smaller|bigger|larger|shorter|longer|thinner|brighter|duller|cheaper|nothing like|not like) (?:than |from |to )?(?:in |on )?(?:the )?(?:picture|pictures|photo|photos|image|images|online|website|model|description|pic|pics)\\b",
     true},

    // ---- urgency / safety: escalate regardless of volume -----------------
    {Signal::kUrgencySafety, "injury",
     "\\b(?:injur(?:y|ies|ed|ing)|hurt (?:myself|himself|herself|themselves|(?:my|his|her|their) (?:back|hand|hands|finger|fingers|foot|feet|leg|legs|arm|arms|head|neck|eye|eyes|skin|face|knee|wrist|ankle|shoulder|mouth|teeth|tooth))|cut (?:myself|my (?:hand|finger|foot|leg))|bleeding|broke (?:my|his|her) (?:arm|leg|wrist|ankle|hand|finger|tooth|nose)|concussion|stitches)\\b",
     true},
    {Signal::kUrgencySafety, "fire",
     "\\b(?:caught fire|catch(?:es)? fire|on fire|burst into flames|flames?|fire hazard|overheat(?:ed|ing|s)?|melted|explod(?:ed|es|ing)|explosion|burn(?:ed|t|s)? (?:my|me|him|her|them|his|down|a hole)|burns|scorched)\\b",
     true},
    {Signal::kUrgencySafety, "smoke",
     "\\b(?:smoke came|smoking (?:from|out)|started smoking|smoke (?:from|coming|pouring)|smell(?:ed|s)? (?:of )?(?:burning|smoke|gas)|burning smell)\\b",
     true},
    {Signal::kUrgencySafety, "shock",
     "\\b(?:electric(?:al)? shock|shocked (?:me|my|him|her)|got (?:a )?shock(?:ed)?|electrocut\\w*|sparks?|sparked|sparking|exposed wires?)\\b",
     true},
    {Signal::kUrgencySafety, "hazard",
     "\\b(?:hazard|hazardous|unsafe|dangerous|danger|safety (?:issue|concern|risk|problem|hazard)|carbon monoxide|gas leak|toxic|poison(?:ed|ing|ous)?|mold|mould|choking|choked|allergic reaction)\\b",
     true},
    // Fraud escalates only while it is happening (someone is using the
    // account now, a card was skimmed, an account was hacked); a report of
    // past identity theft or a disputed inquiry is a theme, not an
    // emergency, and would otherwise flood complaint data.
    {Signal::kUrgencySafety, "fraud in progress",
     "\\b(?:someone (?:is|keeps|has been) (?:using|accessing|charging|withdrawing|draining|emptying)|(?:is|are|keeps?) (?:still )?(?:draining|emptying) my (?:account|card)|(?:account|card|email|phone) (?:was |has been |got |is being )?(?:hacked|compromised|breached)|(?:card|account) (?:was |has been )?skimm(?:ed)|skimmer|phishing|(?:money|funds) (?:is|are|keeps?) (?:still )?(?:disappearing|being (?:taken|withdrawn))|fraud (?:is )?(?:still )?(?:happening|ongoing|in progress))\\b",
     false},
    {Signal::kUrgencySafety, "medical",
     "\\b(?:medical emergency|emergency room|ambulance|life[- ]threatening|poison control|911)\\b",
     true},
    {Signal::kUrgencySafety, "child safety",
     "\\b(?:my|our|the|a) (?:child|children|kid|kids|baby|babies|toddler|infant|son|daughter|grandson|granddaughter)\\b[^.!?\\n]{0,40}?\\b(?:hurt|injured|choked|choking|swallowed|burned|burnt|cut|bleeding|got sick|fell|trapped|shocked)\\b",
     true},
};

#undef VOC_CONTACT_VERB
#undef VOC_COUNT_WORD
#undef VOC_APOS

const char kProfanity[] =
    "\\b(?:f+u+c+k+\\w*|f\\*+k\\w*|motherf\\w*|sh[i1]t+(?:ty|s|ting|head)?|bullsh[i1]t|crap(?:py)?|"
    "damn(?:ed|it)?|goddamn\\w*|ass(?:hole|holes|es)?|arse(?:hole)?|bitch\\w*|bastards?|wtf|stfu|"
    "pissed|piss|dickheads?|screw(?:ed)? you|effing|friggin\\w*|freaking)\\b";

// Every match of kProfanity holds one of these (each branch of kProfanity
// contains a branch of this one; f+u+c+k+ holds "fuc" or "fuu", f\*+k holds
// "f**" or "f*k"), and each branch has a literal of at least three bytes, so
// the shared prefilter can tell the texts kProfanity cannot match.
const char kProfanityGate[] =
    "fuc|fuu|f\\*\\*|f\\*k|motherf|sh[i1]t|crap|damn|ass|arse|bitch|bastard|wtf|stfu|piss|"
    "dickhead|screw|effing|friggin|freaking";

// clang-format on
struct Cue {
  Signal signal;
  std::string name;
  bool negatable;
};

RE2::Options CueOptions() { return internal::SignalCueOptions(); }

// Lower-cases ASCII letters only (std::tolower without a locale lookup).
inline unsigned char AsciiLower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

bool IsNegator(std::string_view w) {
  static const char* const kWords[] = {"not",     "no",      "never", "cannot", "without", "nobody",
                                       "nothing", "neither", "nor",   "none",   "hardly"};
  std::string lower;
  for (char c : w) lower += static_cast<char>(AsciiLower(static_cast<unsigned char>(c)));
  for (const char* k : kWords)
    if (lower == k) return true;
  // "don't", "won't", "isn't", with either apostrophe, or without one.
  auto ends = [&](std::string_view suffix) {
    return lower.size() > suffix.size() &&
           lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("n't") || ends("n\xE2\x80\x99t")) return true;
  static const char* const kBare[] = {"dont",  "wont",   "didnt",   "doesnt",  "isnt",
                                      "wasnt", "cant",   "couldnt", "wouldnt", "shouldnt",
                                      "arent", "werent", "havent",  "hasnt",   "hadnt"};
  for (const char* k : kBare)
    if (lower == k) return true;
  return false;
}

// True when one of the three words before `pos`, within its sentence, is a
// negation.
bool NegatedBefore(std::string_view text, size_t pos, internal::SentenceIndex* sentences) {
  size_t start = std::min<size_t>(sentences->Around(pos, pos).begin, pos);
  size_t i = pos;
  for (int words = 0; words < 3; ++words) {
    while (i > start && !internal::IsWordByte(static_cast<unsigned char>(text[i - 1]))) --i;
    if (i <= start) return false;
    size_t end = i;
    while (i > start && internal::IsWordByte(static_cast<unsigned char>(text[i - 1]))) --i;
    if (IsNegator(text.substr(i, end - i))) return true;
  }
  return false;
}

bool IsAsciiLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

namespace internal {

namespace {

// Adds the word [b, e) to `out` given its counts (as EmotionWordsByByte).
inline void CountEmotionWord(size_t b, size_t e, size_t letters, size_t upper, size_t xs, bool elongated,
                             EmotionWords* out) {
  if (letters == 0) return;
  if (xs == letters) return;  // a mask such as XXXX
  ++out->words;
  if (letters >= 4 && upper == letters) out->caps.emplace_back(b, e);
  if (elongated) out->elongations.emplace_back(b, e);
}

}  // namespace

void EmotionWordsByByte(std::string_view text, EmotionWords* out) {
  out->words = 0;
  out->caps.clear();
  out->elongations.clear();
  for (size_t i = 0; i < text.size();) {
    if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t b = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    size_t letters = 0, upper = 0, xs = 0;
    bool elongated = false;
    for (size_t k = b; k < i; ++k) {
      unsigned char c = static_cast<unsigned char>(text[k]);
      if (!IsAsciiLetter(c)) continue;
      ++letters;
      if (c >= 'A' && c <= 'Z') ++upper;
      if (c == 'x' || c == 'X') ++xs;
      unsigned char l = AsciiLower(c);
      if (k >= b + 2 && l != 'x' && l != 'w' && AsciiLower(static_cast<unsigned char>(text[k - 1])) == l &&
          AsciiLower(static_cast<unsigned char>(text[k - 2])) == l)
        elongated = true;
    }
    CountEmotionWord(b, i, letters, upper, xs, elongated, out);
  }
}

#if defined(__SSE2__)
namespace {

// One bit per byte of the text, 64 to a word: word bytes, ASCII letters other
// than x (a word with one is counted), lower-case ASCII letters, ASCII
// letters, and letters other than x or w the same (either case) as the two
// bytes before them; upper-case ASCII letters without a lower-case one
// beside them in the same 64 (the letters a word in all caps may hold).
struct ByteMasks {
  std::vector<uint64_t> word, counted, lower, letter, triple, upper;
};

inline uint64_t Bits16(__m128i v, int shift) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v))) << shift;
}

// c in [lo, lo + n], bytes as unsigned.
inline __m128i InRange(__m128i v, char lo, char n) {
  const __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(n)), t);
}

// Fills the masks of `text` (bits past its end are clear). `padded` holds
// two zero bytes, the text, and 64 zero bytes.
void FillMasks(const char* padded, size_t size, ByteMasks* m) {
  const size_t n = size / 64 + 1;
  for (auto* v : {&m->word, &m->counted, &m->lower, &m->letter, &m->triple, &m->upper})
    if (v->size() < n) v->resize(n);  // words from n on are not read
  const __m128i k20 = _mm_set1_epi8(0x20), kApos = _mm_set1_epi8('\''), kX = _mm_set1_epi8('x'),
                kW = _mm_set1_epi8('w');
  for (size_t w = 0; w < n; ++w) {
    uint64_t word = 0, counted = 0, lower = 0, letter = 0, triple = 0;
    for (int j = 0; j < 4; ++j) {
      const char* p = padded + 2 + w * 64 + j * 16;
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i low = _mm_or_si128(v, k20);
      const __m128i low1 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 1)), k20);
      const __m128i low2 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p - 2)), k20);
      const __m128i is_letter = InRange(low, 'a', 25);
      const __m128i is_x = _mm_cmpeq_epi8(low, kX);
      const __m128i is_word =
          _mm_or_si128(_mm_or_si128(is_letter, InRange(v, '0', 9)), _mm_cmpeq_epi8(v, kApos));
      const __m128i same = _mm_and_si128(_mm_cmpeq_epi8(low, low1), _mm_cmpeq_epi8(low, low2));
      const __m128i xw = _mm_or_si128(is_x, _mm_cmpeq_epi8(low, kW));
      const int shift = j * 16;
      // Bytes from 0x80 up are word bytes: their sign bits.
      word |= Bits16(is_word, shift) | Bits16(v, shift);
      counted |= Bits16(_mm_andnot_si128(is_x, is_letter), shift);
      lower |= Bits16(InRange(v, 'a', 25), shift);
      letter |= Bits16(is_letter, shift);
      triple |= Bits16(_mm_andnot_si128(xw, _mm_and_si128(is_letter, same)), shift);
    }
    m->word[w] = word;
    m->counted[w] = counted;
    m->lower[w] = lower;
    m->letter[w] = letter;
    m->triple[w] = triple;
    m->upper[w] = letter & ~lower & ~(lower << 1) & ~(lower >> 1);
  }
}

// The set bits of `v` (without a call for want of a POPCNT instruction).
inline size_t Popcount(uint64_t v) {
  v -= (v >> 1) & 0x5555555555555555ull;
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<size_t>((v * 0x0101010101010101ull) >> 56);
}

// The first position from `i` on (before `n`) whose bit in `bits` is
// `value`, or `n`.
inline size_t NextWithBit(const std::vector<uint64_t>& bits, size_t i, size_t n, bool value) {
  while (i < n) {
    const size_t w = i / 64;
    uint64_t v = (value ? bits[w] : ~bits[w]) >> (i % 64);
    if (v != 0) return std::min(n, i + static_cast<size_t>(__builtin_ctzll(v)));
    i = (w + 1) * 64;
  }
  return n;
}

// The start of the run of set bits of `bits` that holds position `i`.
inline size_t RunStart(const std::vector<uint64_t>& bits, size_t i) {
  for (size_t w = i / 64;; --w) {
    // The clear bits at or below `i` in this word.
    uint64_t v = ~bits[w];
    if (w == i / 64) v &= (i % 64 == 63) ? ~uint64_t{0} : (uint64_t{2} << (i % 64)) - 1;
    if (v != 0) return w * 64 + 64 - static_cast<size_t>(__builtin_clzll(v));
    if (w == 0) return 0;
  }
}

// Whether `bits` has a bit in [b, e), b < e.
inline bool AnyInRange(const std::vector<uint64_t>& bits, size_t b, size_t e) {
  for (size_t w = b / 64; w * 64 < e; ++w) {
    uint64_t v = bits[w];
    if (w == b / 64) v &= ~uint64_t{0} << (b % 64);
    if (e - w * 64 < 64) v &= (uint64_t{1} << (e - w * 64)) - 1;
    if (v != 0) return true;
  }
  return false;
}

// Whether `bits` has at least `k` bits in [b, e), b < e.
inline bool AtLeastInRange(const std::vector<uint64_t>& bits, size_t b, size_t e, int k) {
  for (size_t w = b / 64; w * 64 < e; ++w) {
    uint64_t v = bits[w];
    if (w == b / 64) v &= ~uint64_t{0} << (b % 64);
    if (e - w * 64 < 64) v &= (uint64_t{1} << (e - w * 64)) - 1;
    for (; v != 0; v &= v - 1)
      if (--k == 0) return true;
  }
  return false;
}

}  // namespace
#endif

void ScanEmotionWords(std::string_view text, EmotionWords* out) {
#if defined(__SSE2__)
  out->words = 0;
  out->caps.clear();
  out->elongations.clear();
  thread_local std::string padded;
  thread_local ByteMasks m;
  const size_t n = text.size();
  if (padded.size() < n + 66) padded.resize(n + 66);
  char* const pad = padded.data();
  pad[0] = pad[1] = '\0';
  if (n != 0) std::memcpy(pad + 2, text.data(), n);
  std::memset(pad + 2 + n, 0, 64);
  FillMasks(pad, n, &m);
  // The counted words: the runs of word bytes with a letter other than x.
  // Adding a run's start bit to its bytes that are not such letters carries
  // through them to its first such letter, or past its end.
  uint64_t carry = 0, top = 0;
  for (size_t w = 0; w <= n / 64; ++w) {
    const uint64_t word = m.word[w], counted = m.counted[w];
    const uint64_t starts = word & ~((word << 1) | top);
    const uint64_t others = word & ~counted;
    const uint64_t sum = others + starts;
    const uint64_t total = sum + carry;
    carry = (sum < others || total < sum) ? 1 : 0;
    out->words += Popcount(total & counted);
    top = word >> 63;
  }
  // Words with a triple (counted: a triple is a letter other than x), in
  // order, each once.
  for (size_t i = NextWithBit(m.triple, 0, n, true); i < n;) {
    const size_t b = RunStart(m.word, i), e = NextWithBit(m.word, i, n, false);
    out->elongations.emplace_back(b, e);
    i = NextWithBit(m.triple, e, n, true);
  }
  // Words in all caps: one of their upper-case letters starts the search
  // (not one beside a lower-case letter: most capitals begin a word).
  for (size_t i = NextWithBit(m.upper, 0, n, true); i < n;) {
    const size_t b = RunStart(m.word, i), e = NextWithBit(m.word, i, n, false);
    if (!AnyInRange(m.lower, b, e) && AnyInRange(m.counted, b, e) && AtLeastInRange(m.letter, b, e, 4))
      out->caps.emplace_back(b, e);
    i = NextWithBit(m.upper, e, n, true);
  }
#else
  EmotionWordsByByte(text, out);
#endif
}

void ExclamationRuns(std::string_view text, std::vector<std::pair<size_t, size_t>>* out) {
  for (size_t i = text.find('!'); i != std::string_view::npos && i < text.size(); i = text.find('!', i)) {
    size_t b = i, e = i + 1;
    while (b > 0 && (text[b - 1] == '!' || text[b - 1] == '?')) --b;
    while (e < text.size() && (text[e] == '!' || text[e] == '?')) ++e;
    if (e - b >= 2) out->emplace_back(b, e);
    i = e;
  }
}

RE2::Options SignalCueOptions() {
  RE2::Options opt = GroupPatternOptions();
  opt.set_case_sensitive(false);
  return opt;
}

std::vector<std::string> BuiltinSignalCuePatterns() {
  std::vector<std::string> out;
  for (const BuiltinCue& c : kCues) out.push_back(c.pattern);
  return out;
}

std::string ProfanityPattern() { return kProfanity; }
std::string ProfanityGatePattern() { return kProfanityGate; }

}  // namespace internal

struct SignalDetector::Impl {
  SignalOptions options;
  std::vector<Cue> cues;
  // The cue patterns are indices [set_base, set_base + cues.size()) of
  // `set`, which may hold other patterns too (shared_patterns.h).
  std::shared_ptr<internal::RegexSetGroup> set;
  int set_base = 0;
  // Group index of kProfanityGate: kProfanity runs on the texts where it is
  // a candidate.
  int profanity_gate = -1;
  std::unique_ptr<RE2> profanity;

  // Compiles the cues, adding their patterns to `group` (compiled by the
  // caller), and the built-in emotion patterns; with `builtin` false, only
  // the options' extra cues (to check them).
  Status AddCues(std::shared_ptr<internal::RegexSetGroup> group, bool builtin = true);
  // Detect, given the candidates of `set` for the text.
  SignalResult Detect(std::string_view text_in, const internal::RegexSetGroup::Hits& group) const;
};

SignalDetector::SignalDetector() : impl_(std::make_unique<Impl>()) {}
SignalDetector::~SignalDetector() = default;

namespace {

Status CheckSignalOptions(const SignalOptions& options) {
  if (!(options.emotion_threshold >= 0.0 && options.emotion_threshold <= 1.0))
    return InvalidArgumentError("emotion_threshold must be in [0, 1]");
  if (options.max_hits_per_signal < 1) return InvalidArgumentError("max_hits_per_signal must be >= 1");
  return Status::Ok();
}

}  // namespace

Status SignalDetector::Impl::AddCues(std::shared_ptr<internal::RegexSetGroup> group, bool builtin) {
  set = std::move(group);
  set_base = set->size();
  auto add = [&](Signal s, const std::string& name, const std::string& pattern, bool negatable) -> Status {
    if (name.empty()) return InvalidArgumentError("signal cue with an empty name");
    if (pattern.empty()) return InvalidArgumentError("signal cue '" + name + "' has an empty pattern");
    std::string error;
    const int index = set->Add(pattern, /*ignore_case=*/true, &error);
    if (index < 0)
      return InvalidArgumentError("signal cue '" + name + "': pattern \"" + pattern +
                                  "\" is not valid RE2: " + error);
    cues.push_back({s, name, negatable});
    return Status::Ok();
  };
  if (builtin)
    for (const BuiltinCue& c : kCues) VOC_RETURN_IF_ERROR(add(c.signal, c.name, c.pattern, c.negatable));
  for (const SignalCue& c : options.extra_cues) {
    if (static_cast<int>(c.signal) < 0 || static_cast<int>(c.signal) >= kSignalCount)
      return InvalidArgumentError("signal cue '" + c.name + "' has an unknown signal");
    VOC_RETURN_IF_ERROR(add(c.signal, c.name, c.pattern, c.negatable));
  }
  if (!builtin) return Status::Ok();
  std::string error;
  profanity_gate = set->Add(kProfanityGate, /*ignore_case=*/true, &error);
  if (profanity_gate < 0) return InternalError("built-in profanity gate failed to compile: " + error);
  profanity = std::make_unique<RE2>(kProfanity, CueOptions());
  if (!profanity->ok()) return InternalError("built-in profanity pattern failed to compile");
  return Status::Ok();
}

Result<std::unique_ptr<SignalDetector>> SignalDetector::Create(const SignalOptions& options) {
  auto group = std::make_shared<internal::RegexSetGroup>(internal::GroupPatternOptions());
  auto det = internal::NewSignals(options, group);
  if (det.ok()) group->Compile();
  return det;
}

Result<std::unique_ptr<SignalDetector>> internal::NewSignals(const SignalOptions& options,
                                                             std::shared_ptr<RegexSetGroup> group) {
  VOC_RETURN_IF_ERROR(CheckSignalOptions(options));
  std::unique_ptr<SignalDetector> det = ImplAccess::New<SignalDetector>();
  ImplOf(*det).options = options;
  VOC_RETURN_IF_ERROR(ImplOf(*det).AddCues(std::move(group)));
  return det;
}

Status internal::CheckSignalOptionsAndCues(const SignalOptions& options) {
  VOC_RETURN_IF_ERROR(CheckSignalOptions(options));
  if (options.extra_cues.empty()) return Status::Ok();
  std::unique_ptr<SignalDetector> det = ImplAccess::New<SignalDetector>();
  ImplOf(*det).options = options;
  return ImplOf(*det).AddCues(std::make_shared<RegexSetGroup>(GroupPatternOptions()), /*builtin=*/false);
}

SignalResult internal::DetectWithHits(const SignalDetector& detector, std::string_view text,
                                      const internal::RegexSetGroup::Hits& hits) {
  return ImplOf(detector).Detect(text, hits);
}

SignalResult SignalDetector::Detect(std::string_view text) const {
  thread_local internal::RegexSetGroup::Hits hits;
  impl_->set->Candidates(text, &hits);
  return impl_->Detect(text, hits);
}

SignalResult SignalDetector::Impl::Detect(std::string_view text_in,
                                          const internal::RegexSetGroup::Hits& group) const {
  const Impl& impl = *this;
  const SignalOptions& opt = impl.options;
  std::string_view text =
      text_in.substr(0, std::min<size_t>(text_in.size(), std::numeric_limits<uint32_t>::max()));
  re2::StringPiece sp(text.data(), text.size());
  SignalResult result;
  std::vector<SignalHit> hits;
  internal::SentenceIndex sentences(text);  // computed if a negation check needs it

  const int per_cue_cap = opt.max_hits_per_signal * 4;
  const int cue_end = impl.set_base + static_cast<int>(impl.cues.size());
  bool maybe_profane = false;
  for (int gi : group.candidates) {
    if (gi == impl.profanity_gate) maybe_profane = true;
    if (gi < impl.set_base || gi >= cue_end) continue;
    const Cue& cue = impl.cues[static_cast<size_t>(gi - impl.set_base)];
    size_t pos = 0;
    int seen = 0;
    // (At the end of the text only an empty match is left, never a hit.)
    while (pos < text.size() && seen < per_cue_cap) {
      re2::StringPiece m;
      if (!impl.set->Search(gi, group, sp, pos, &m)) break;
      size_t b = static_cast<size_t>(m.data() - text.data());
      size_t e = b + m.size();
      pos = e > b ? e : b + 1;
      if (e == b) continue;
      ++seen;
      if (opt.negation && cue.negatable && NegatedBefore(text, b, &sentences)) continue;
      SignalHit h;
      h.signal = cue.signal;
      h.evidence = {static_cast<uint32_t>(b), static_cast<uint32_t>(e), "cue:" + cue.name, 1.0};
      hits.push_back(std::move(h));
    }
  }

  // ---- emotion intensity ----
  thread_local internal::EmotionWords emotion;
  internal::ScanEmotionWords(text, &emotion);
  const size_t words = emotion.words;
  const auto& caps_words = emotion.caps;
  const auto& elongations = emotion.elongations;
  std::vector<std::pair<size_t, size_t>> profane, bangs;
  {
    // No profanity without the gate's literals.
    size_t pos = maybe_profane ? 0 : text.size();
    re2::StringPiece m;
    while (pos < text.size() && impl.profanity->Match(sp, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      size_t b = static_cast<size_t>(m.data() - text.data());
      profane.emplace_back(b, b + m.size());
      pos = b + std::max<size_t>(m.size(), 1);
    }
    internal::ExclamationRuns(text, &bangs);
  }
  double caps_share = words >= 3 ? static_cast<double>(caps_words.size()) / words : 0.0;
  auto capped = [](size_t n) { return static_cast<double>(std::min<size_t>(n, 3)); };
  double raw = 2.0 * caps_share + 0.35 * capped(bangs.size()) + 0.5 * capped(profane.size()) +
               0.25 * capped(elongations.size());
  result.emotion_intensity = 1.0 - std::exp(-raw);
  result.profanity = static_cast<uint32_t>(std::min<size_t>(profane.size(), UINT32_MAX));
  if (result.emotion_intensity >= opt.emotion_threshold && raw > 0.0) {
    auto emit = [&](const std::vector<std::pair<size_t, size_t>>& spans, const char* source) {
      for (const auto& [b, e] : spans) {
        SignalHit h;
        h.signal = Signal::kEmotionIntensity;
        h.evidence = {static_cast<uint32_t>(b), static_cast<uint32_t>(e), source, result.emotion_intensity};
        hits.push_back(std::move(h));
      }
    };
    if (caps_share > 0.0) emit(caps_words, "cue:all caps");
    emit(bangs, "cue:exclamations");
    emit(profane, "cue:profanity");
    emit(elongations, "cue:elongation");
  }

  // Order by signal then offset; drop exact duplicates; cap per signal.
  std::sort(hits.begin(), hits.end(), [](const SignalHit& x, const SignalHit& y) {
    return std::tie(x.signal, x.evidence.begin, x.evidence.end, x.evidence.source) <
           std::tie(y.signal, y.evidence.begin, y.evidence.end, y.evidence.source);
  });
  int counts[kSignalCount] = {0};
  for (auto& h : hits) {
    int s = static_cast<int>(h.signal);
    if (!result.hits.empty()) {
      const SignalHit& last = result.hits.back();
      if (last.signal == h.signal && last.evidence.begin == h.evidence.begin &&
          last.evidence.end == h.evidence.end)
        continue;
    }
    if (counts[s] >= opt.max_hits_per_signal) continue;
    ++counts[s];
    result.hits.push_back(std::move(h));
  }
  return result;
}

}  // namespace voc
