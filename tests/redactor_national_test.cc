// Phone numbers and postal addresses as they are written in the countries
// of the languages voc supports (Germany, Austria, Switzerland, France,
// Belgium, Spain, Portugal, Italy, the Netherlands, Mexico, Brazil), and the
// numbers of those countries' texts that are none: dates, prices, times,
// counts, versions, years, train and seat numbers.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>

#include "voc/redactor.h"

namespace {

const voc::Redactor& Red() {
  static const std::unique_ptr<voc::Redactor> r = [] {
    auto made = voc::Redactor::Create();
    REQUIRE(made.ok());
    return std::move(*made);
  }();
  return *r;
}
std::string R(std::string_view s) { return Red().Redact(s).text; }

}  // namespace

TEST_CASE("Redactor: German, Austrian and Swiss phone numbers") {
  CHECK(R("Ruf mich an: 030 1234567") == "Ruf mich an: [PHONE]");
  CHECK(R("Tel. +49 (0)30 123 456 7 bitte") == "Tel. [PHONE] bitte");
  CHECK(R("mobil 0170/1234567.") == "mobil [PHONE].");
  CHECK(R("mobil 0170 / 1234567") == "mobil [PHONE]");
  CHECK(R("Festnetz 089 123 45 67") == "Festnetz [PHONE]");
  CHECK(R("Wien 01 234 5678") == "Wien [PHONE]");
  CHECK(R("Handy 0664 1234567") == "Handy [PHONE]");
  CHECK(R("Zürich 044 123 45 67") == "Zürich [PHONE]");
  CHECK(R("+41 44 123 45 67") == "[PHONE]");
  CHECK(R("(030) 1234567") == "[PHONE]");
  CHECK(R("0049 170 1234567") == "[PHONE]");
}

TEST_CASE("Redactor: French and Belgian phone numbers") {
  CHECK(R("appelez le 01 23 45 67 89") == "appelez le [PHONE]");
  CHECK(R("mon portable 06 12 34 56 78 !") == "mon portable [PHONE] !");
  CHECK(R("mon portable 06.12.34.56.78") == "mon portable [PHONE]");
  CHECK(R("+33 6 12 34 56 78") == "[PHONE]");
  CHECK(R("Bruxelles 02 123 45 67") == "Bruxelles [PHONE]");
  CHECK(R("Bruxelles 02/123.45.67") == "Bruxelles [PHONE]");
  CHECK(R("gsm 0470 12 34 56") == "gsm [PHONE]");
  CHECK(R("+32 2 123 45 67") == "[PHONE]");
}

TEST_CASE("Redactor: Spanish, Portuguese and Italian phone numbers") {
  CHECK(R("llámame al 612 34 56 78") == "llámame al [PHONE]");
  CHECK(R("llámame al 612 345 678") == "llámame al [PHONE]");
  CHECK(R("fijo 91 123 45 67") == "fijo [PHONE]");
  CHECK(R("+34 612 345 678") == "[PHONE]");
  CHECK(R("ligue 912 345 678") == "ligue [PHONE]");
  CHECK(R("Lisboa 21 123 4567") == "Lisboa [PHONE]");
  CHECK(R("+351 912 345 678") == "[PHONE]");
  CHECK(R("chiamami al 347 123 4567") == "chiamami al [PHONE]");
  CHECK(R("chiamami al 347 1234567") == "chiamami al [PHONE]");
  CHECK(R("ufficio 06 1234 5678") == "ufficio [PHONE]");
  CHECK(R("+39 06 1234 5678") == "[PHONE]");
}

TEST_CASE("Redactor: Dutch, Brazilian and Mexican phone numbers") {
  CHECK(R("bel 06-12345678") == "bel [PHONE]");
  CHECK(R("kantoor 020 123 4567") == "kantoor [PHONE]");
  CHECK(R("+31 6 12345678") == "[PHONE]");
  CHECK(R("meu celular (11) 91234-5678") == "meu celular [PHONE]");
  CHECK(R("fixo (11) 3456-7890") == "fixo [PHONE]");
  CHECK(R("zap 11 91234-5678") == "zap [PHONE]");
  CHECK(R("+55 11 91234-5678") == "[PHONE]");
  CHECK(R("llámame al 55 1234 5678") == "llámame al [PHONE]");
  CHECK(R("(55) 1234-5678") == "[PHONE]");
  CHECK(R("+52 1 55 1234 5678") == "[PHONE]");
}

TEST_CASE("Redactor: numbers of European texts that are not phone numbers") {
  const char* const kKeep[] = {
      "Am 12.05.2019 um 14:30 Uhr",
      "am 01.02.2019 12:30 und 03.04.2020",
      "Der ICE 1234 hatte 45 Minuten Verspätung",
      "Zug 598 von 10:05, Gleis 7",
      "Ich habe 19,99 € bezahlt",
      "Kosten 1.234.567 € im Jahr 2019",
      "Le 12/05/2019 à 14h30, 3 fois",
      "prix 1 234 567 euros",
      "il y a 612 345 678 habitants",
      "budget de 200 000 000 de dollars",
      "version 10.2.3 du logiciel",
      "45 % de hausse entre 2019 et 2020",
      "Pagué 123,45 € el 05/06/2021",
      "612 345 678 euros de deuda",
      "Pagato 1.250 euro per 3 biglietti",
      "Paguei R$ 912 345 678 em 12 parcelas",
      "Ik heb 3 keer gebeld, bestelnummer 2023 2024",
      "12 2019 2020 seizoen",
      "score 3 - 1, minuto 90+4",
      "2000 Euro Schaden, 1500 Mitarbeiter, 1000 GB Speicher",
      "12 rue",
      "Platz 1 belegt, Den Platz 2 auch, Sitzplatz 45 im Wagen 7",
      "auf dem Heimweg 2 Stunden gewartet",
      "via Amazon 3 volte, via Twitter 5 times",
      "Calle 13 is a band",
      "between 2019 Avenue and 5th",
      "Ho comprato via Amazon 2 cose",
      "ISBN 978-3-16-148410-0",
      // Seen on real text: a year before capitalised words, a ranking.
      "On XX/XX/2016 To Whom It May Concern",
      "XXXX XXXX, 2016 TO CANCEL MY REQUEST",
      "Gerade unter diesen Randbedingungen. Dennoch Platz 2 im Visier",
  };
  for (const char* s : kKeep) CHECK_MESSAGE(R(s) == s, s, " -> ", R(s));
  // Dotted quads are IP addresses, not Spanish or Belgian phone numbers.
  CHECK(R("from 91.234.56.78 again") == "from [IP] again");
  // Numbers listed one after another are each masked.
  CHECK(R("2079460958 030 8475921 06 84 75 92 13") == "[PHONE] [PHONE] [PHONE]");
  CHECK(R("0958 +49 (0)30 847 592 1 0170/8475921") == "0958 [PHONE] [PHONE]");
}

TEST_CASE("Redactor: German, Austrian and Swiss addresses") {
  CHECK(R("Hauptstraße 12, 10115 Berlin") == "[ADDRESS]");
  CHECK(R("Bitte an Hauptstraße 12 liefern") == "Bitte an [ADDRESS] liefern");
  CHECK(R("wohne in der Karl-Marx-Straße 5a") == "wohne in der [ADDRESS]");
  CHECK(R("Lieferadresse Berliner Straße 7, 80331 München.") == "Lieferadresse [ADDRESS].");
  CHECK(R("Hauptstr. 3 in Köln") == "[ADDRESS] in Köln");
  CHECK(R("Mariahilfer Straße 45/3/12, 1060 Wien") == "[ADDRESS]");
  CHECK(R("Bahnhofstrasse 21, 8001 Zürich") == "[ADDRESS]");
  CHECK(R("Schillerweg 4, D-10115 Berlin") == "[ADDRESS]");
  CHECK(R("PLZ 10115 Berlin") == "PLZ [ADDRESS]");
  CHECK(R("D-10115 Berlin") == "[ADDRESS]");
}

TEST_CASE("Redactor: French and Belgian addresses") {
  CHECK(R("J'habite au 12 rue de la Paix, 75002 Paris") == "J'habite au [ADDRESS]");
  CHECK(R("livré au 5 avenue des Champs-Élysées depuis") == "livré au [ADDRESS] depuis");
  CHECK(R("au 3 bis, boulevard Saint-Michel") == "au [ADDRESS]");
  CHECK(R("14 place d'Italie") == "[ADDRESS]");
  CHECK(R("Rue de la Loi 16, 1000 Bruxelles") == "[ADDRESS]");
  CHECK(R("Avenue Louise 54") == "[ADDRESS]");
  CHECK(R("Wetstraat 16, 1040 Brussel") == "[ADDRESS]");
}

TEST_CASE("Redactor: Spanish, Mexican, Portuguese and Brazilian addresses") {
  CHECK(R("vivo en Calle Mayor 5, 28013 Madrid") == "vivo en [ADDRESS]");
  CHECK(R("Calle Mayor, 5") == "[ADDRESS]");
  CHECK(R("C/ Gran Vía 12") == "[ADDRESS]");
  CHECK(R("Avda. de la Castellana 100") == "[ADDRESS]");
  CHECK(R("Calle Madero 17, 06000 Ciudad de México") == "[ADDRESS]");
  CHECK(R("C.P. 44100 Guadalajara") == "C.P. [ADDRESS]");
  CHECK(R("Rua Augusta 100, 1100-053 Lisboa") == "[ADDRESS]");
  CHECK(R("moro na Avenida da Liberdade 1") == "moro na [ADDRESS]");
  CHECK(R("Av. Paulista, 1578 - 01310-100 São Paulo") == "[ADDRESS]");
  CHECK(R("CEP 01310-100") == "CEP 01310-100");  // a postcode alone says little
  CHECK(R("1100-053 Lisboa") == "[ADDRESS]");
}

TEST_CASE("Redactor: Italian, Dutch and English addresses") {
  CHECK(R("Via Roma 10, 00184 Roma") == "[ADDRESS]");
  CHECK(R("abito in via Garibaldi 3") == "abito in [ADDRESS]");
  CHECK(R("Piazza della Repubblica, 2") == "[ADDRESS]");
  CHECK(R("Corso Vittorio Emanuele II 12, 20121 Milano") == "[ADDRESS]");
  CHECK(R("Kerkstraat 1, 1017 GC Amsterdam") == "[ADDRESS]");
  CHECK(R("Prinsengracht 263") == "[ADDRESS]");
  CHECK(R("1017 GC Amsterdam") == "[ADDRESS]");
  CHECK(R("send it to 221 Baker Street") == "send it to [ADDRESS]");
  CHECK(R("ship to 1600 Pennsylvania Avenue, thanks") == "ship to [ADDRESS], thanks");
}

TEST_CASE("Redactor: the address kind can be turned off and is named") {
  CHECK(std::string(voc::PiiKindName(voc::PiiKind::kAddress)) == "address");
  voc::RedactorOptions o;
  o.address = false;
  auto r = voc::Redactor::Create(o);
  REQUIRE(r.ok());
  CHECK((*r)->Redact("Hauptstraße 12, 10115 Berlin").text == "Hauptstraße 12, 10115 Berlin");
  const voc::Redaction out = Red().Redact("Hauptstraße 12");
  REQUIRE(out.spans.size() == 1);
  CHECK(out.spans[0].kind == voc::PiiKind::kAddress);
  CHECK(out.spans[0].name == "address");
  // Masked text is left alone.
  CHECK(R("[ADDRESS], [PHONE]") == "[ADDRESS], [PHONE]");
  CHECK(Red().Redact("[ADDRESS]").existing_masks == 1);
}
