/**
 * Our compilation: country name (as written in cloud-regions.csv) → ISO 3166-1 alpha-2 code,
 * continent (our residency grouping; the Gulf states and Israel are "middle-east") and EU/EEA
 * membership (EU27 + Iceland, Liechtenstein, Norway; status 2026: the United Kingdom and
 * Switzerland are not members).
 *
 * A region whose country is missing here makes the refresh fail, on purpose: add the country.
 */
import type { Continent } from "../../src/data/types";

export interface CountryInfo {
  readonly code: string;
  readonly continent: Continent;
  readonly euEea: boolean;
}

const eu = (code: string): CountryInfo => ({ code, continent: "europe", euEea: true });
const c = (code: string, continent: Continent): CountryInfo => ({ code, continent, euEea: false });

export const COUNTRIES: Readonly<Record<string, CountryInfo>> = {
  // EU member states
  Austria: eu("AT"),
  Belgium: eu("BE"),
  Bulgaria: eu("BG"),
  Croatia: eu("HR"),
  Cyprus: eu("CY"),
  Czechia: eu("CZ"),
  Denmark: eu("DK"),
  Estonia: eu("EE"),
  Finland: eu("FI"),
  France: eu("FR"),
  Germany: eu("DE"),
  Greece: eu("GR"),
  Hungary: eu("HU"),
  Ireland: eu("IE"),
  Italy: eu("IT"),
  Latvia: eu("LV"),
  Lithuania: eu("LT"),
  Luxembourg: eu("LU"),
  Malta: eu("MT"),
  Netherlands: eu("NL"),
  Poland: eu("PL"),
  Portugal: eu("PT"),
  Romania: eu("RO"),
  Slovakia: eu("SK"),
  Slovenia: eu("SI"),
  Spain: eu("ES"),
  Sweden: eu("SE"),
  // EEA, not EU
  Iceland: eu("IS"),
  Liechtenstein: eu("LI"),
  Norway: eu("NO"),
  // Europe, neither EU nor EEA
  Switzerland: c("CH", "europe"),
  "United Kingdom": c("GB", "europe"),
  // Africa
  "South Africa": c("ZA", "africa"),
  Kenya: c("KE", "africa"),
  Nigeria: c("NG", "africa"),
  Morocco: c("MA", "africa"),
  // Asia
  China: c("CN", "asia"),
  "Hong Kong": c("HK", "asia"),
  India: c("IN", "asia"),
  Indonesia: c("ID", "asia"),
  Japan: c("JP", "asia"),
  Malaysia: c("MY", "asia"),
  Philippines: c("PH", "asia"),
  Singapore: c("SG", "asia"),
  "South Korea": c("KR", "asia"),
  Taiwan: c("TW", "asia"),
  Thailand: c("TH", "asia"),
  Vietnam: c("VN", "asia"),
  // Middle East
  Bahrain: c("BH", "middle-east"),
  Israel: c("IL", "middle-east"),
  Kuwait: c("KW", "middle-east"),
  Oman: c("OM", "middle-east"),
  Qatar: c("QA", "middle-east"),
  "Saudi Arabia": c("SA", "middle-east"),
  Turkey: c("TR", "middle-east"),
  "United Arab Emirates": c("AE", "middle-east"),
  // North America
  Canada: c("CA", "north-america"),
  Mexico: c("MX", "north-america"),
  "United States": c("US", "north-america"),
  // South America
  Argentina: c("AR", "south-america"),
  Brazil: c("BR", "south-america"),
  Chile: c("CL", "south-america"),
  Colombia: c("CO", "south-america"),
  Peru: c("PE", "south-america"),
  // Oceania
  Australia: c("AU", "oceania"),
  "New Zealand": c("NZ", "oceania"),
};
