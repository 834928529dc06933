"""Per-country vocabulary for the synthetic prospect generator: names, company words, legal forms, TLDs.

Plain data, kept apart from the generator's logic. Every country of the shipped rule base has a
profile; a country without one (a tenant's own addition) gets :func:`fallback_profile`.

The lists are small on purpose (a dozen or so of each): enough for realistic-looking rows and for
every fact the engine reads (legal forms, ccTLDs, country spellings) to vary, not a names database.
A few legal forms are written the way the country really writes them even where the engine's
legal-form list does not know them (Greek ``I.K.E.``, Irish ``DAC``, Luxembourg ``S.à r.l.``,
Lithuanian/Latvian forms *before* the name): those rows exercise ``subscriber_type_unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COUNTRY_WEIGHTS", "GENERIC_SECTORS", "PROFILES", "CountryProfile", "fallback_profile"]


def _words(text: str) -> tuple[str, ...]:
    """``"a, b c, d"`` → ``("a", "b c", "d")``: comma-separated, so names may contain spaces."""
    return tuple(w.strip() for w in text.split(",") if w.strip())


def _weighted(text: str) -> tuple[tuple[str, int], ...]:
    """``"GmbH:65, AG:12"`` → ``(("GmbH", 65), ("AG", 12))``."""
    out = []
    for item in _words(text):
        value, _, weight = item.rpartition(":")
        out.append((value, int(weight)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CountryProfile:
    """What a prospect from one country looks like."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    stems: tuple[str, ...]  # brand-like words companies are named after
    sectors: tuple[str, ...]  # local-language sector words (mixed with :data:`GENERIC_SECTORS`)
    legal_forms: tuple[tuple[str, int], ...]  # suffix and weight
    tlds: tuple[tuple[str, int], ...]  # domain endings and weight (ccTLD mostly, some generic)
    names: tuple[str, ...]  # how people write the country instead of its code (all resolvable)
    government: tuple[str, ...]  # public bodies (subscriber_type ``government``)
    partnership: str = "& Partners"  # how a non-corporate partnership is named
    form_first: int = 0  # percentage of companies written "FORM Name" (LT ``UAB X``, LV ``SIA X``)
    titles: tuple[str, ...] = ()  # local job titles (mixed with the English ones)


#: English sector words companies everywhere use.
GENERIC_SECTORS: tuple[str, ...] = _words(
    "Solutions, Consulting, Systems, Digital, Analytics, Technologies, Logistics, Software, Engineering, Data"
)

#: Relative share of prospects per country (a UK-based sender's European + North American list).
COUNTRY_WEIGHTS: dict[str, float] = {
    "GB": 14,
    "DE": 12,
    "US": 10,
    "FR": 9,
    "NL": 6,
    "ES": 6,
    "IT": 6,
    "SE": 3,
    "BE": 3,
    "IE": 3,
    "PL": 3,
    "CA": 3,
    "AT": 2.5,
    "DK": 2,
    "PT": 2,
    "CZ": 2,
    "FI": 1.5,
    "NO": 1.5,
    "RO": 1.5,
    "HU": 1,
    "GR": 1,
    "SK": 0.7,
    "BG": 0.6,
    "HR": 0.6,
    "SI": 0.5,
    "LT": 0.5,
    "LV": 0.4,
    "EE": 0.4,
    "LU": 0.4,
    "CY": 0.3,
    "MT": 0.3,
}

_DE_TITLES = _words("Geschäftsführer, Leiterin Marketing, Leiter Vertrieb, Einkaufsleiter, IT-Leiterin")
_FR_TITLES = _words("Directeur commercial, Responsable marketing, Directrice générale, Responsable achats")
_NL_TITLES = _words("Directeur, Hoofd Marketing, Inkoper, Manager Verkoop")

PROFILES: dict[str, CountryProfile] = {
    "AT": CountryProfile(
        _words("Lukas, Anna, Tobias, Katharina, Florian, Julia, Stefan, Sarah, Markus, Lena, Christoph, Theresa"),
        _words("Gruber, Huber, Bauer, Wagner, Müller, Pichler, Steiner, Moser, Mayer, Hofer, Leitner, Berger"),
        _words("Alpen, Donau, Tirol, Wiener, Kärntner, Salzach, Bergland, Arlberg"),
        _words("Technik, Logistik, Handel, Bau, Software"),
        _weighted("GmbH:70, AG:10, GmbH & Co KG:10, KG:10"),
        _weighted("at:80, com:17, io:3"),
        _words("Austria"),
        _words("Stadt Wien, Land Tirol"),
        titles=_DE_TITLES,
    ),
    "BE": CountryProfile(
        _words("Lucas, Emma, Louis, Olivia, Arthur, Louise, Noah, Elise, Thomas, Marie, Pieter, Sofie, Wout"),
        _words("Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Dubois, Lambert, Dupont"),
        _words("Brabant, Schelde, Meuse, Ardenne, Flandria, Zenne, Leie, Kempen"),
        _words("Consult, Ingénierie, Techniek, Services"),
        _weighted("BV:35, NV:20, SA:20, SRL:15, BVBA:10"),
        _weighted("be:75, com:20, eu:5"),
        _words("Belgium"),
        _words("Stad Gent, Ville de Liège"),
        titles=_NL_TITLES + _FR_TITLES,
    ),
    "BG": CountryProfile(
        _words("Georgi, Maria, Ivan, Elena, Dimitar, Ivanka, Nikolay, Petya, Stoyan, Desislava, Hristo, Yana"),
        _words("Ivanov, Georgieva, Dimitrov, Petrova, Nikolov, Stoyanova, Todorov, Angelova, Kolev, Popova"),
        _words("Balkan, Vitosha, Rila, Trakia, Dunav, Pirin, Sofia, Varna"),
        _words("Trade, Soft, Invest"),
        _weighted("OOD:50, EOOD:30, AD:20"),
        _weighted("bg:70, com:30"),
        _words("Bulgaria"),
        _words("Stolichna Obshtina, Obshtina Varna"),
    ),
    "CA": CountryProfile(
        _words("Liam, Olivia, Noah, Emma, William, Charlotte, Benjamin, Chloé, Félix, Léa, Ethan, Sophie, Mathieu"),
        _words("Smith, Tremblay, Martin, Roy, Gagnon, Lee, Wilson, MacDonald, Côté, Brown, Bouchard, Campbell"),
        _words("Maple, Northern, Laurentian, Pacific, Prairie, Boréal, Rideau, Cascade"),
        _words("Technologies, Solutions, Consulting"),
        _weighted("Inc.:50, Ltd.:25, Corp.:15, ULC:5, Ltée:5"),
        _weighted("ca:60, com:35, io:5"),
        _words("Canada"),
        _words("City of Toronto, Ville de Montréal"),
    ),
    "HR": CountryProfile(
        _words("Luka, Ana, Ivan, Marija, Marko, Petra, Josip, Ivana, Tomislav, Lucija, Ante, Maja"),
        _words("Horvat, Kovačević, Babić, Marić, Jurić, Novak, Kovačić, Knežević, Vuković, Marković, Matić"),
        _words("Jadran, Dalmacija, Sava, Velebit, Istra, Drava"),
        _words("Informatika, Trgovina, Inženjering"),
        _weighted("d.o.o.:80, d.d.:20"),
        _weighted("hr:80, com:20"),
        _words("Croatia"),
        _words("Grad Zagreb, Grad Split"),
    ),
    "CY": CountryProfile(
        _words("Andreas, Maria, Georgios, Eleni, Christos, Anna, Nikos, Despina, Marios, Katerina, Stella"),
        _words("Georgiou, Charalambous, Constantinou, Christodoulou, Ioannou, Nicolaou, Savva, Demetriou"),
        _words("Troodos, Kyrenia, Aphrodite, Limassol, Olympus, Akamas"),
        _words("Shipping, Trading, Holdings"),
        _weighted("Ltd:90, PLC:10"),
        _weighted("com.cy:65, com:35"),
        _words("Cyprus"),
        _words("Limassol Municipality, Nicosia Municipality"),
    ),
    "CZ": CountryProfile(
        _words("Jan, Tereza, Petr, Eliška, Jakub, Kateřina, Tomáš, Lucie, Martin, Veronika, Ondřej, Barbora"),
        _words("Novák, Svoboda, Novotná, Dvořák, Černý, Procházková, Kučera, Veselá, Horák, Němcová, Pokorný"),
        _words("Vltava, Morava, Krkonoše, Bohemia, Šumava, Labe"),
        _words("Stavby, Obchod, Strojírna"),
        _weighted("s.r.o.:80, a.s.:20"),
        _weighted("cz:85, com:15"),
        _words("Czechia, Czech Republic"),
        _words("Statutární město Brno, Magistrát hl. m. Prahy"),
    ),
    "DK": CountryProfile(
        _words("Mads, Sofie, Frederik, Ida, Mikkel, Emma, Rasmus, Freja, Jonas, Laura, Christian, Anne"),
        _words("Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen, Madsen"),
        _words("Nordhavn, Øresund, Jylland, Fyn, Kattegat, Limfjord"),
        _words("Rådgivning, Teknik, Handel"),
        _weighted("ApS:60, A/S:40"),
        _weighted("dk:80, com:15, io:5"),
        _words("Denmark"),
        _words("Københavns Kommune, Aarhus Kommune"),
    ),
    "EE": CountryProfile(
        _words("Martin, Mari, Rasmus, Laura, Karl, Kristiina, Markus, Liis, Andres, Kadri, Siim, Triin"),
        _words("Tamm, Saar, Sepp, Mägi, Kask, Kukk, Rebane, Ilves, Pärn, Koppel, Lepik, Kallas"),
        _words("Toompea, Peipsi, Saaremaa, Emajõe, Pärnu, Viru"),
        _words("Tarkvara, Ehitus, Kaubandus"),
        _weighted("OÜ:80, AS:20"),
        _weighted("ee:75, com:15, io:10"),
        _words("Estonia"),
        _words("Tallinna Linnavalitsus, Tartu Linnavalitsus"),
    ),
    "FI": CountryProfile(
        _words("Juhani, Aino, Mikko, Venla, Antti, Emilia, Jukka, Sanna, Ville, Laura, Matti, Elina"),
        _words("Korhonen, Virtanen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen, Koskinen, Järvinen"),
        _words("Saimaa, Lappi, Pohjola, Aalto, Kaleva, Tapio"),
        _words("Ohjelmistot, Rakennus, Logistiikka"),
        _weighted("Oy:85, Oyj:15"),
        _weighted("fi:80, com:15, io:5"),
        _words("Finland"),
        _words("Helsingin kaupunki, Tampereen kaupunki"),
    ),
    "FR": CountryProfile(
        _words("Camille, Louis, Chloé, Hugo, Léa, Gabriel, Manon, Arthur, Inès, Jules, Élodie, Nicolas, Sophie"),
        _words("Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Lefèvre, Garnier"),
        _words("Azur, Loire, Provence, Atlantique, Lumière, Horizon, Montmartre, Seine"),
        _words("Conseil, Informatique, Logistique, Services, Industrie"),
        _weighted("SAS:45, SARL:30, SA:15, SASU:5, EURL:5"),
        _weighted("fr:75, com:20, io:5"),
        _words("France"),
        _words("Mairie de Lyon, Région Bretagne"),
        partnership="et Associés SNC",
        titles=_FR_TITLES,
    ),
    "DE": CountryProfile(
        _words("Lukas, Anna, Maximilian, Sophie, Jonas, Lea, Felix, Hannah, Stefan, Katrin, Jürgen, Sabine, Tobias"),
        _words("Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, Schröder"),
        _words("Nordlicht, Rheinland, Spree, Isar, Elbe, Schwarzwald, Hanse, Weser, Taunus"),
        _words("Logistik, Maschinenbau, Medizintechnik, Handel, Systeme"),
        _weighted("GmbH:65, AG:12, GmbH & Co. KG:13, KG:5, SE:5"),
        _weighted("de:82, com:14, io:4"),
        _words("Germany"),
        _words("Stadtverwaltung Köln, Landeshauptstadt München"),
        partnership="& Partner GbR",
        titles=_DE_TITLES,
    ),
    "GR": CountryProfile(
        _words("Giorgos, Maria, Dimitris, Eleni, Nikos, Katerina, Kostas, Sofia, Giannis, Angeliki, Vasiliki"),
        _words("Papadopoulos, Papadopoulou, Nikolaidis, Georgiou, Oikonomou, Vlachos, Karagiannis, Pappas"),
        _words("Aegean, Olympos, Hellas, Attica, Kriti, Ionian"),
        _words("Shipping, Trading, Pliroforiki"),
        _weighted("S.A.:55, I.K.E.:30, E.P.E.:15"),
        _weighted("gr:75, com:25"),
        _words("Greece"),
        _words("Dimos Athinaion, Perifereia Kritis"),
    ),
    "HU": CountryProfile(
        _words("Bence, Anna, Máté, Eszter, Dávid, Zsófia, Gábor, Katalin, László, Réka, Péter, Judit"),
        _words("Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh, Papp"),
        _words("Duna, Tisza, Balaton, Mátra, Buda, Pannon"),
        _words("Informatika, Kereskedelmi, Építő"),
        _weighted("Kft.:75, Zrt.:20, Nyrt.:5"),
        _weighted("hu:85, com:15"),
        _words("Hungary"),
        _words("Budapest Főváros Önkormányzata, Debrecen Megyei Jogú Város"),
    ),
    "IE": CountryProfile(
        _words("Seán, Aoife, Conor, Siobhán, Cian, Niamh, Darragh, Ciara, Patrick, Sinéad, Ciarán, Róisín"),
        _words("Murphy, Kelly, O'Sullivan, Walsh, Byrne, Ryan, O'Connor, O'Neill, Doyle, McCarthy, Gallagher"),
        _words("Shannon, Liffey, Emerald, Atlantic, Connacht, Wicklow, Burren"),
        _words("Solutions, Consulting, Engineering"),
        _weighted("Ltd:60, Limited:15, DAC:10, PLC:5, Unlimited Company:10"),
        _weighted("ie:75, com:20, io:5"),
        _words("Ireland"),
        _words("Dublin City Council, Cork County Council"),
    ),
    "IT": CountryProfile(
        _words("Marco, Giulia, Alessandro, Francesca, Luca, Chiara, Matteo, Sara, Giuseppe, Valentina, Andrea"),
        _words("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, De Luca"),
        _words("Adriatica, Tirrena, Lombarda, Vesuvio, Dolomiti, Arno, Etruria, Aurora"),
        _words("Informatica, Consulenza, Logistica, Sistemi, Tecnologie"),
        _weighted("S.r.l.:55, S.p.A.:25, Srl:10, SpA:10"),
        _weighted("it:80, com:17, io:3"),
        _words("Italy"),
        _words("Comune di Milano, Regione Toscana"),
    ),
    "LV": CountryProfile(
        _words("Jānis, Anna, Andris, Kristīne, Mārtiņš, Laura, Edgars, Ilze, Roberts, Līga, Kārlis, Inese"),
        _words("Bērziņš, Kalniņš, Ozoliņš, Jansons, Liepiņa, Krūmiņš, Balodis, Zariņa, Pētersons, Vītols"),
        _words("Daugava, Gauja, Kurzeme, Vidzeme, Baltija, Jūrmala"),
        _words("Loģistika, Būve, Tirdzniecība"),
        _weighted("SIA:85, AS:15"),
        _weighted("lv:80, com:20"),
        _words("Latvia"),
        _words("Rīgas valstspilsētas pašvaldība, Liepājas pilsētas pašvaldība"),
        form_first=50,
    ),
    "LT": CountryProfile(
        _words("Lukas, Emilija, Mantas, Gabija, Tomas, Ieva, Jonas, Rūta, Darius, Austėja, Paulius, Greta"),
        _words("Kazlauskas, Jankauskas, Petrauskas, Stankevičius, Vasiliauskas, Žukauskas, Butkus, Urbonas"),
        _words("Nemunas, Baltic, Neris, Žalgiris, Gintaras, Vilnelė"),
        _words("Logistika, Statyba, Prekyba"),
        _weighted("UAB:85, AB:15"),
        _weighted("lt:80, com:20"),
        _words("Lithuania"),
        _words("Vilniaus miesto savivaldybė, Kauno miesto savivaldybė"),
        form_first=50,
    ),
    "LU": CountryProfile(
        _words("Luc, Sophie, Marc, Claire, Jean, Anne, Paul, Laura, Tom, Sarah, Max, Lisa"),
        _words("Schmit, Muller, Weber, Wagner, Hoffmann, Thill, Kremer, Schmitz, Klein, Reuter, Hansen"),
        _words("Moselle, Alzette, Kirchberg, Ardennes, Sûre, Grund"),
        _words("Finance, Fund Services, Conseil"),
        _weighted("S.A.:40, S.à r.l.:40, SARL:20"),
        _weighted("lu:75, com:25"),
        _words("Luxembourg"),
        _words("Ville de Luxembourg, Commune d'Esch-sur-Alzette"),
    ),
    "MT": CountryProfile(
        _words("Joseph, Maria, John, Sarah, Mark, Rebecca, Matthew, Nicole, Luke, Rachel, Daniel, Claire"),
        _words("Borg, Camilleri, Vella, Farrugia, Zammit, Galea, Micallef, Grech, Attard, Spiteri, Azzopardi"),
        _words("Valletta, Mdina, Gozo, Melita, Sliema, Mediterranean"),
        _words("Gaming, Shipping, Holdings"),
        _weighted("Ltd:85, PLC:15"),
        _weighted("com.mt:70, com:30"),
        _words("Malta"),
        _words("Valletta Local Council, Sliema Local Council"),
    ),
    "NL": CountryProfile(
        _words("Daan, Emma, Sem, Julia, Lucas, Sophie, Bram, Anne, Thijs, Lotte, Jeroen, Femke, Ruben, Sanne"),
        _words("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Visser, Smit, Meijer, de Boer, Mulder"),
        _words("Oranje, Delta, Polder, Zuiderzee, Amstel, Maas, Hollands, Noordzee"),
        _words("Techniek, Logistiek, Advies, Groep"),
        _weighted("B.V.:60, BV:20, N.V.:15, NV:5"),
        _weighted("nl:80, com:15, io:5"),
        _words("Netherlands"),
        _words("Gemeente Utrecht, Provincie Noord-Holland"),
        titles=_NL_TITLES,
    ),
    "NO": CountryProfile(
        _words("Jakob, Nora, Emil, Emma, Henrik, Ingrid, Magnus, Sara, Lars, Kari, Ole, Silje"),
        _words("Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Karlsen, Berg"),
        _words("Fjord, Nordkapp, Viking, Bergen, Lofoten, Trondheim"),
        _words("Teknologi, Rådgivning, Havbruk"),
        _weighted("AS:85, ASA:15"),
        _weighted("no:80, com:15, io:5"),
        _words("Norway"),
        _words("Oslo kommune, Bergen kommune"),
    ),
    "PL": CountryProfile(
        _words("Jakub, Anna, Piotr, Katarzyna, Michał, Magdalena, Tomasz, Agnieszka, Paweł, Joanna, Łukasz"),
        _words("Nowak, Kowalski, Wiśniewska, Wójcik, Kowalczyk, Kamińska, Lewandowski, Zielińska, Woźniak"),
        _words("Wisła, Mazowsze, Bałtyk, Tatry, Warta, Pomorze"),
        _words("Informatyka, Logistyka, Budownictwo"),
        _weighted("Sp. z o.o.:75, S.A.:20, sp.k.:5"),
        _weighted("pl:85, com:15"),
        _words("Poland"),
        _words("Urząd Miasta Krakowa, Urząd Miasta Gdańska"),
    ),
    "PT": CountryProfile(
        _words("João, Maria, Tiago, Ana, Miguel, Inês, Rui, Beatriz, Pedro, Catarina, Diogo, Sofia"),
        _words("Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Sousa, Gonçalves"),
        _words("Atlântico, Douro, Tejo, Lusitânia, Algarve, Minho"),
        _words("Informática, Consultoria, Logística"),
        _weighted("Lda:70, S.A.:30"),
        _weighted("pt:80, com:20"),
        _words("Portugal"),
        _words("Câmara Municipal de Lisboa, Câmara Municipal do Porto"),
    ),
    "RO": CountryProfile(
        _words("Andrei, Maria, Alexandru, Elena, Mihai, Ioana, Ștefan, Andreea, Gabriel, Cristina, Bogdan"),
        _words("Popescu, Ionescu, Popa, Dumitru, Stan, Stoica, Gheorghe, Matei, Constantin, Marin, Rusu"),
        _words("Carpați, Dunărea, Transilvania, Dacia, Bucovina, Banat"),
        _words("Construct, Soft, Comerț"),
        _weighted("S.R.L.:80, S.A.:20"),
        _weighted("ro:80, com:20"),
        _words("Romania"),
        _words("Primăria Municipiului Cluj-Napoca, Primăria Sectorului 1"),
    ),
    "SK": CountryProfile(
        _words("Martin, Zuzana, Peter, Katarína, Tomáš, Lucia, Michal, Jana, Marek, Veronika, Juraj, Monika"),
        _words("Horváth, Kováč, Varga, Tóth, Nagy, Baláž, Szabó, Molnár, Lukáč, Kováčová, Oravec"),
        _words("Tatry, Váh, Dunaj, Hron, Považie, Orava"),
        _words("Stavby, Obchod, Strojárne"),
        _weighted("s.r.o.:85, a.s.:15"),
        _weighted("sk:85, com:15"),
        _words("Slovakia"),
        _words("Mesto Košice, Magistrát hlavného mesta Bratislavy"),
    ),
    "SI": CountryProfile(
        _words("Luka, Nina, Jan, Eva, Žiga, Maja, Matej, Sara, Rok, Ana, Jure, Petra"),
        _words("Novak, Horvat, Kovačič, Krajnc, Zupančič, Potočnik, Kovač, Mlakar, Kos, Vidmar, Golob, Turk"),
        _words("Triglav, Sava, Soča, Bled, Karavanke, Pohorje"),
        _words("Informatika, Trgovina, Gradnje"),
        _weighted("d.o.o.:85, d.d.:15"),
        _weighted("si:80, com:20"),
        _words("Slovenia"),
        _words("Mestna občina Ljubljana, Mestna občina Maribor"),
    ),
    "ES": CountryProfile(
        _words("Alejandro, Lucía, Pablo, María, Javier, Carmen, Daniel, Laura, Sergio, Marta, Carlos, Álvaro"),
        _words("García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez, Ruiz, Díaz"),
        _words("Ibérica, Mediterránea, Levante, Cantábrica, Sol, Andaluza, Castilla, Meseta"),
        _words("Tecnología, Consultoría, Logística, Soluciones, Sistemas"),
        _weighted("S.L.:60, S.A.:25, S.L.U.:5, SL:10"),
        _weighted("es:75, com:20, io:5"),
        _words("Spain"),
        _words("Ayuntamiento de Valencia, Junta de Andalucía"),
    ),
    "SE": CountryProfile(
        _words("Erik, Anna, Lars, Maria, Karl, Elin, Johan, Sara, Oskar, Emma, Anders, Karin"),
        _words("Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson, Lindqvist"),
        _words("Norrland, Vänern, Gotland, Skåne, Mälar, Nordic"),
        _words("Konsult, Teknik, Bygg"),
        _weighted("AB:95, HB:5"),
        _weighted("se:80, com:15, io:5"),
        _words("Sweden"),
        _words("Stockholms stad, Göteborgs Stad"),
    ),
    "GB": CountryProfile(
        _words("Oliver, Amelia, George, Olivia, Harry, Isla, Jack, Emily, James, Sophie, Thomas, Charlotte, Daniel"),
        _words("Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Johnson, Roberts, Wright, Hughes"),
        _words("Albion, Thames, Pennine, Cotswold, Kestrel, Highland, Brunel, Mercia, Wessex, Sterling"),
        _words("Solutions, Consulting, Logistics, Systems, Digital"),
        _weighted("Ltd:65, Limited:15, PLC:8, LLP:12"),
        _weighted("co.uk:70, uk:5, com:20, io:5"),
        _words("UK, United Kingdom, Great Britain, England"),
        _words("Leeds City Council, Bristol City Council"),
    ),
    "US": CountryProfile(
        _words("James, Mary, Michael, Jennifer, Robert, Jessica, David, Ashley, John, Emily, Chris, Sarah, Tyler"),
        _words("Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Anderson"),
        _words("Liberty, Summit, Pioneer, Redwood, Lakeshore, Keystone, Evergreen, Bluegrass, Cascade"),
        _words("Technologies, Solutions, Analytics, Software"),
        _weighted("Inc.:45, LLC:35, Corp.:15, Co.:5"),
        _weighted("com:80, io:10, us:5, net:5"),
        _words("USA, United States, United States of America"),
        _words("City of Austin, County of Santa Clara"),
    ),
}


def fallback_profile(code: str, name: str) -> CountryProfile:
    """A plain profile for a rule-base country this module has no vocabulary for."""
    return CountryProfile(
        _words("Alex, Sam, Maria, Daniel, Anna, David, Laura, Michael"),
        _words("Smith, Müller, Rossi, García, Novak, Jansen, Nielsen, Silva"),
        _words("Nova, Vertex, Meridian, Horizon, Atlas, Orbit"),
        (),
        _weighted("Ltd:100"),
        ((code.lower(), 75), ("com", 25)),
        (name,) if name else (),
        (f"Government of {name or code}",),
    )
