// The default taxonomy's rules in German, Spanish, French, Portuguese,
// Italian and Dutch (models/TAXONOMY.md, "Languages"): realistic complaints
// get their core themes whether the language is given or identified, near
// misses ("Rechnung tragen", "tener en cuenta") get none, and English texts
// keep exactly the English rules' themes.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "voc/language.h"
#include "voc/taxonomy.h"

namespace {

const std::string kDefault = VOC_SOURCE_DIR "/models/taxonomy.json";

const voc::ThemeClassifier& Default() {
  static std::unique_ptr<voc::ThemeClassifier> clf = [] {
    auto tax = voc::Taxonomy::LoadFile(kDefault);
    REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
    auto r = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *clf;
}

const voc::LanguageIdentifier& Lid() {
  static std::unique_ptr<voc::LanguageIdentifier> lid = [] {
    voc::LanguageOptions o;
    o.model_path = VOC_SOURCE_DIR "/models/lid.176.ftz";
    auto r = voc::LanguageIdentifier::Create(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *lid;
}

struct Case {
  const char* lang;
  const char* text;
  std::vector<std::string> must, must_not;
};

// must: themes that fire (or a theme below them); must_not: themes that do
// not fire, nor any theme below them.
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"de", "Der Zug hatte 40 Minuten Verspätung, total ärgerlich!", {"delays"}, {"billing"}},
      {"de", "Mein Paket ist seit zwei Wochen verschwunden und nie angekommen.", {"items/lost"}, {}},
      {"de",
       "Der Flug wurde kurzfristig annulliert und niemand hat uns informiert.",
       {"disruptions"},
       {"cancellation"}},
      {"de", "Die Rechnung ist viel zu hoch, man hat mir zweimal abgebucht.", {"billing"}, {}},
      {"de", "Wir müssen dem Wunsch der Kunden Rechnung tragen.", {}, {"billing"}},
      {"de", "Die Mitarbeiterin an der Hotline war extrem unfreundlich.", {"service/staff-attitude"}, {}},
      {"de", "Seit gestern haben wir kein Internet, Störung im ganzen Viertel.", {"outages"}, {}},
      {"de", "Ich warte seit drei Wochen auf meine Rückerstattung.", {"refunds"}, {}},
      {"de",
       "Ich kann mich nicht mehr in der App einloggen, Passwort vergessen funktioniert auch nicht.",
       {"account/access"},
       {}},
      {"de", "Das Essen war kalt und das Zimmer schmutzig.", {"food", "facilities/cleanliness"}, {}},
      {"de", "Der Preis ist viel zu teuer für diese Qualität.", {"pricing"}, {}},
      {"de", "Ich möchte meinen Vertrag kündigen.", {"cancellation"}, {}},
      {"de", "Die Ware kam beschädigt an, der Karton war eingedrückt.", {"items/damaged"}, {}},
      {"de", "Ich habe keine Ahnung, wie das Wetter morgen wird.", {}, {"service"}},
      {"de", "Ich bin total kaputt nach der Arbeit.", {}, {"product"}},
      {"de", "Sie haben mir versteckte Gebühren berechnet.", {"billing/fees"}, {}},
      {"es", "El vuelo tuvo un retraso de tres horas.", {"delays"}, {}},
      {"es", "Me cobraron dos veces en la factura de este mes.", {"billing"}, {}},
      {"es", "Hay que tener en cuenta que el clima cambia.", {}, {"billing"}},
      {"es", "Mi paquete se perdió y nunca llegó.", {"items/lost"}, {}},
      {"es", "El vuelo fue cancelado sin previo aviso.", {"disruptions"}, {}},
      {"es", "El camarero fue muy maleducado con nosotros.", {"service/staff-attitude"}, {}},
      {"es", "Llevo una semana sin internet, el servicio no funciona.", {"outages"}, {}},
      {"es", "Quiero darme de baja y cancelar mi suscripción.", {"cancellation"}, {}},
      {"es", "Todavía no me han devuelto el reembolso.", {"refunds"}, {}},
      {"es", "La comida estaba fría y el baño sucio.", {"food", "facilities/cleanliness"}, {}},
      {"es", "Es demasiado caro para lo que ofrecen.", {"pricing"}, {}},
      {"es", "Salió por la tarde hacia Madrid.", {}, {"delays"}},
      {"es", "Me lavé la cara con agua fría.", {}, {"pricing", "food"}},
      {"es", "Estuve más de una hora en espera y nadie contesta.", {"service/wait-times"}, {}},
      {"fr", "Le train avait encore 30 minutes de retard.", {"delays"}, {}},
      {"fr", "Mon colis a été perdu et je n'ai jamais reçu ma commande.", {"items/lost"}, {}},
      {"fr", "Le vol a été annulé à la dernière minute.", {"disruptions"}, {}},
      {"fr", "Le serveur était très désagréable et impoli.", {"service/staff-attitude"}, {}},
      {"fr", "J'attends toujours mon remboursement depuis un mois.", {"refunds"}, {}},
      {"fr",
       "Panne internet depuis trois jours, aucune réponse du service client.",
       {"outages", "service"},
       {}},
      {"fr", "Je veux résilier mon abonnement.", {"cancellation"}, {}},
      {"fr", "La facture est incompréhensible, on m'a facturé deux fois.", {"billing"}, {}},
      {"fr", "Mon cher ami, je pense à toi.", {}, {"pricing"}},
      {"fr", "Je n'ai aucune idée de ce que je vais faire ce soir.", {}, {"service"}},
      {"fr", "C'est beaucoup trop cher pour ce que c'est.", {"pricing"}, {}},
      {"pt", "O voo atrasou duas horas e ninguém explicou nada.", {"delays"}, {}},
      {"pt", "Minha encomenda foi extraviada e nunca chegou.", {"items/lost"}, {}},
      {"pt", "A atendente foi muito grosseira comigo.", {"service/staff-attitude"}, {}},
      {"pt", "Estou sem internet há três dias, a conexão caiu de novo.", {"outages"}, {}},
      {"pt", "Quero cancelar minha assinatura e pedir o reembolso.", {"cancellation", "refunds"}, {}},
      {"pt", "A fatura veio com cobrança indevida.", {"billing"}, {}},
      {"pt", "Cara, que dia lindo hoje!", {}, {"pricing"}},
      {"pt", "O produto veio quebrado e com defeito.", {"items/damaged", "product/defect"}, {}},
      {"it", "Il treno era in ritardo di un'ora.", {"delays"}, {}},
      {"it", "Il pacco è stato smarrito e non è mai arrivato.", {"items/lost"}, {}},
      {"it", "Il personale era scortese e maleducato.", {"service/staff-attitude"}, {}},
      {"it", "La connessione internet non funziona da una settimana.", {"outages"}, {}},
      {"it", "Ho chiesto il rimborso ma nessuna risposta.", {"refunds"}, {}},
      {"it", "La bolletta è troppo alta, mi hanno addebitato costi nascosti.", {"billing"}, {}},
      {"it", "Cara amica, ti scrivo da Roma.", {}, {"pricing"}},
      {"it", "Il volo è stato cancellato senza preavviso.", {"disruptions"}, {}},
      {"it", "Vorrei disdire il mio abbonamento.", {"cancellation"}, {}},
      {"nl", "De trein had weer een half uur vertraging.", {"delays"}, {}},
      {"nl", "Mijn pakket is nooit aangekomen, het is kwijtgeraakt.", {"items/lost"}, {}},
      {"nl", "De bediening was erg onvriendelijk.", {"service"}, {}},
      {"nl", "Al twee dagen een storing, geen internet.", {"outages"}, {}},
      {"nl", "Ik wil mijn abonnement opzeggen.", {"cancellation"}, {}},
      {"nl", "Ik wacht nog steeds op mijn terugbetaling.", {"refunds"}, {}},
      {"nl", "We moeten rekening houden met het weer.", {}, {"billing"}},
      {"nl", "Het eten was heerlijk maar de prijzen zijn veel te duur.", {"food", "pricing"}, {}},
      {"nl", "Het is te laat om nog te gaan.", {}, {"delays"}},
      {"nl", "De vlucht werd geannuleerd zonder uitleg.", {"disruptions"}, {"cancellation"}}};
  return cases;
}

std::string Joined(const std::vector<voc::ThemeHit>& hits) {
  std::string s;
  for (const auto& h : hits) s += h.id + " (" + h.source + ") ";
  return s;
}

bool Fired(const std::vector<voc::ThemeHit>& hits, const std::string& id) {
  return std::any_of(hits.begin(), hits.end(),
                     [&](const voc::ThemeHit& h) { return h.id == id || h.id.rfind(id + "/", 0) == 0; });
}

void Check(const Case& c, const std::vector<voc::ThemeHit>& hits) {
  INFO("themes: " << Joined(hits));
  for (const auto& id : c.must) CHECK_MESSAGE(Fired(hits, id), "must fire: " << id);
  for (const auto& id : c.must_not) CHECK_MESSAGE(!Fired(hits, id), "must not fire: " << id);
}

}  // namespace

TEST_CASE("Default taxonomy languages: complaints in de es fr pt it nl get their themes, near misses none") {
  const auto& clf = Default();
  std::set<std::string> langs;
  size_t must = 0, must_not = 0;
  for (const auto& c : Cases()) {
    langs.insert(c.lang);
    must += c.must.size();
    must_not += c.must_not.size();
    const std::string where = std::string("[") + c.lang + "] " + c.text;
    INFO(where);
    SUBCASE("language given") { Check(c, clf.ClassifyLanguage(c.text, c.lang)); }
    SUBCASE("language identified") {
      const voc::LanguageGuess g = Lid().Identify(c.text);
      CHECK(g.code == c.lang);
      Check(c, clf.ClassifyLanguage(c.text, g.code));
    }
  }
  CHECK(langs == std::set<std::string>{"de", "es", "fr", "it", "nl", "pt"});
  CHECK(must >= 60);
  CHECK(must_not >= 15);
}

TEST_CASE("Default taxonomy languages: each language's rules fire only on its own texts") {
  const auto& clf = Default();
  // A German complaint read as English or Spanish gets no German theme, and
  // an English one read as German no English theme.
  CHECK(clf.ClassifyLanguage("Der Zug hatte 40 Minuten Verspätung", "de").size() == 1);
  CHECK(clf.ClassifyLanguage("Der Zug hatte 40 Minuten Verspätung", "en").empty());
  CHECK(clf.ClassifyLanguage("Der Zug hatte 40 Minuten Verspätung", "es").empty());
  CHECK(clf.ClassifyLanguage("The train was 40 minutes late again", "de").empty());
  // Undetermined text runs every language's rules.
  CHECK(Fired(clf.ClassifyLanguage("Verspätung!", "und"), "delays"));
}

TEST_CASE("Default taxonomy languages: English texts keep the English rules' themes") {
  const auto& clf = Default();
  struct En {
    const char* text;
    std::vector<std::string> ids;  // every theme, in hit order
  };
  const std::vector<En> english = {
      {"The train was 40 minutes late again this morning", {"delays"}},
      {"My flight was cancelled and nobody told us why", {"disruptions", "communication/notification"}},
      {"Internet bill too high", {"billing"}},
      // Every industry pack is on here (no selection).
      {"The waiter was rude and the food was cold",
       {"service/staff-attitude", "food", "food/quality", "service/table-service"}},
      {"I was on hold for 45 minutes", {"service/wait-times"}},
      {"Happy birthday to the best dad in the world", {}},
  };
  for (const auto& e : english) {
    const std::string text = e.text;
    INFO(text);
    for (const std::string lang : {"en", "und"}) {
      const auto hits = clf.ClassifyLanguage(e.text, lang);
      INFO("as " << lang << ": " << Joined(hits));
      std::set<std::string> got, want(e.ids.begin(), e.ids.end());
      for (const auto& h : hits) {
        got.insert(h.id);
        // No rule written for another language fires on English text.
        CHECK(h.source.find("-intl") == std::string::npos);
      }
      CHECK(got == want);
    }
  }
}

TEST_CASE("Default taxonomy languages: every multilingual core rule covers the six languages") {
  auto tax = voc::Taxonomy::LoadFile(kDefault);
  REQUIRE(tax.ok());
  size_t themes = 0;
  for (const auto& t : (*tax)->themes()) {
    std::set<std::string> langs;
    for (const auto& r : t.rules)
      if (r.id.size() > 5 && r.id.compare(r.id.size() - 5, 5, "-intl") == 0)
        langs.insert(r.languages.begin(), r.languages.end());
    if (langs.empty()) continue;
    ++themes;
    INFO(t.id);
    CHECK(t.pack.empty());
    CHECK(langs == std::set<std::string>{"de", "es", "fr", "it", "nl", "pt"});
  }
  CHECK(themes >= 30);
}
