"""Places the chain generator and the demo put facilities in: production sites and seaports.

Coordinates are approximate city centres (WGS 84); subdivisions are ISO 3166-2 codes, so that
region-level risk rules (e.g. a forced-labour region) apply to generated facilities exactly as
to imported ones. Port codes are UN/LOCODEs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """A city where facilities are generated."""

    city: str
    region: str  # ISO 3166-2 subdivision
    lat: float
    lon: float


@dataclass(frozen=True)
class Seaport:
    """A container port through which imports into its country are routed."""

    locode: str
    name: str
    lat: float
    lon: float


SITES: dict[str, list[Site]] = {
    "CN": [
        Site("Urumqi", "CN-XJ", 43.83, 87.62),
        Site("Shihezi", "CN-XJ", 44.31, 86.08),
        Site("Hotan", "CN-XJ", 37.11, 79.92),
        Site("Leshan", "CN-SC", 29.55, 103.77),
        Site("Baotou", "CN-NM", 40.66, 109.84),
        Site("Xuzhou", "CN-JS", 34.26, 117.18),
        Site("Suzhou", "CN-JS", 31.30, 120.62),
        Site("Shenzhen", "CN-GD", 22.54, 114.06),
        Site("Ningbo", "CN-ZJ", 29.87, 121.54),
        Site("Shanghai", "CN-SH", 31.23, 121.47),
    ],
    "US": [
        Site("Hemlock", "US-MI", 43.42, -84.23),
        Site("Moses Lake", "US-WA", 47.13, -119.28),
        Site("Spruce Pine", "US-NC", 35.92, -82.06),
        Site("Houston", "US-TX", 29.76, -95.37),
        Site("Fremont", "US-CA", 37.55, -121.99),
        Site("Dalton", "US-GA", 34.77, -84.97),
    ],
    "DE": [Site("Burghausen", "DE-BY", 48.17, 12.83), Site("Hamburg", "DE-HH", 53.55, 9.99)],
    "MY": [Site("Kuching", "MY-13", 1.55, 110.36)],
    "KR": [Site("Gunsan", "KR-45", 35.97, 126.74), Site("Busan", "KR-26", 35.18, 129.08)],
    "JP": [Site("Osaka", "JP-27", 34.69, 135.50)],
    "TW": [Site("Hsinchu", "TW-HSZ", 24.80, 120.97)],
    "IN": [Site("Ahmedabad", "IN-GJ", 23.02, 72.57), Site("Tiruppur", "IN-TN", 11.11, 77.34)],
    "BD": [Site("Dhaka", "BD-13", 23.81, 90.41)],
    "VN": [Site("Ho Chi Minh City", "VN-SG", 10.82, 106.63)],
    "PK": [Site("Faisalabad", "PK-PB", 31.42, 73.08)],
    "UZ": [Site("Tashkent", "UZ-TK", 41.30, 69.24)],
    "TR": [Site("Istanbul", "TR-34", 41.01, 28.98)],
    "BR": [Site("Luis Eduardo Magalhaes", "BR-BA", -12.10, -45.79)],
    "CD": [Site("Kolwezi", "CD-LU", -10.71, 25.47)],
    "AU": [Site("Greenbushes", "AU-WA", -33.85, 116.06)],
    "CL": [Site("Antofagasta", "CL-AN", -23.65, -70.40)],
    "AR": [Site("Jujuy", "AR-Y", -24.19, -65.30)],
    "ID": [Site("Morowali", "ID-ST", -2.85, 122.12)],
    "PH": [Site("Palawan", "PH-41", 9.84, 118.74)],
    "MZ": [Site("Balama", "MZ-P", -13.35, 38.57)],
    "GN": [Site("Boke", "GN-B", 10.94, -14.29)],
    "MX": [Site("Monterrey", "MX-NLE", 25.69, -100.32)],
    "NL": [Site("Rotterdam", "NL-ZH", 51.92, 4.48)],
    "CA": [Site("Becancour", "CA-QC", 46.34, -72.43)],
    "NO": [Site("Bergen", "NO-46", 60.39, 5.32)],
    "IT": [Site("Turin", "IT-21", 45.07, 7.69)],
    "PL": [Site("Warsaw", "PL-14", 52.23, 21.01)],
    "IE": [Site("Dublin", "IE-D", 53.35, -6.26)],
}

#: Main container ports of importing countries (UN/LOCODE).
SEAPORTS: dict[str, list[Seaport]] = {
    "US": [
        Seaport("USLAX", "Port of Los Angeles", 33.73, -118.26),
        Seaport("USSAV", "Port of Savannah", 32.08, -81.09),
        Seaport("USNYC", "Port of New York and New Jersey", 40.68, -74.04),
    ],
    "DE": [Seaport("DEHAM", "Port of Hamburg", 53.54, 9.97)],
    "NL": [Seaport("NLRTM", "Port of Rotterdam", 51.95, 4.14)],
    "KR": [Seaport("KRPUS", "Port of Busan", 35.10, 129.04)],
    "JP": [Seaport("JPUKB", "Port of Kobe", 34.68, 135.19)],
    "CN": [Seaport("CNSHA", "Port of Shanghai", 31.36, 121.61)],
    "MY": [Seaport("MYPKG", "Port Klang", 3.00, 101.39)],
    "IN": [Seaport("INNSA", "Jawaharlal Nehru Port", 18.95, 72.95)],
    "TW": [Seaport("TWKHH", "Port of Kaohsiung", 22.61, 120.28)],
    "VN": [Seaport("VNSGN", "Port of Saigon", 10.76, 106.71)],
    "MX": [Seaport("MXZLO", "Port of Manzanillo", 19.05, -104.31)],
    "IT": [Seaport("ITGOA", "Port of Genoa", 44.40, 8.92)],
    "PL": [Seaport("PLGDN", "Port of Gdansk", 54.40, 18.67)],
    "TR": [Seaport("TRAMB", "Port of Ambarli", 40.97, 28.69)],
    "BD": [Seaport("BDCGP", "Port of Chittagong", 22.31, 91.80)],
    "CA": [Seaport("CAMTR", "Port of Montreal", 45.55, -73.53)],
}
