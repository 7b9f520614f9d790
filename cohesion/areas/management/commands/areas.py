"""`cohesion areas …`: load and query geography."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.areas import actions
from cohesion.areas.bundled import load_bundled_geography
from cohesion.areas.geo import locate_point
from cohesion.areas.importers import LOOKUPS, AreaImportError
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.context import audit_channel
from cohesion.profiles import actions as profile_actions
from cohesion.profiles.bundled import load_bundled_statistics
from cohesion.profiles.importers import CENSUS_TOPICS


class Command(BaseCommand):
    help = "Load and look up areas: councils, wards, MSOAs and LSOAs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        imp = sub.add_parser(
            "import",
            help="Import a boundary file (GeoJSON, WGS84) for one level and generation",
            description=(
                "Import areas from an ONS boundary file in GeoJSON (WGS84). Councils first, "
                "then wards and small areas. Property names such as WD24CD/WD24NM and "
                "LAD24CD are found automatically; name them if your file differs. A file "
                "without a council code (like ONS ward files) has each area placed in the "
                "loaded council holding it; --council keeps one council's areas from a "
                "national file. Nothing is changed if any feature has a problem."
            ),
        )
        imp.add_argument("--boundaries", required=True, type=Path, metavar="FILE.geojson")
        imp.add_argument("--level", required=True, choices=[level.value for level in AreaLevel])
        imp.add_argument("--generation", required=True, type=int, help="Boundary year, e.g. 2024")
        imp.add_argument("--code-property", help="Property holding the GSS code")
        imp.add_argument("--name-property", help="Property holding the name")
        imp.add_argument("--council-property", help="Property holding the council (LAD) code")
        imp.add_argument("--parent-property", help="Property holding a parent area's code")
        imp.add_argument(
            "--council",
            metavar="GSS_CODE",
            help="Keep only this council's areas (e.g. E06000015) from a national file",
        )

        look = sub.add_parser(
            "import-lookup",
            help="Import an ONS lookup CSV between loaded areas",
            description=(
                "Link loaded areas with an ONS lookup: lsoa21-ward (best-fit LSOA 2021 to ward) "
                "or lsoa11-lsoa21 (LSOA 2011 to 2021 with change codes)."
            ),
        )
        look.add_argument("--lookup", required=True, type=Path, metavar="FILE.csv")
        look.add_argument("--kind", required=True, choices=sorted(LOOKUPS))
        look.add_argument("--ward-generation", type=int, help="Ward boundary year (lsoa21-ward)")
        look.add_argument(
            "--skip-missing",
            action="store_true",
            help="Skip rows whose areas are not loaded (for national lookup files)",
        )

        sub.add_parser(
            "load-bundled",
            help="Load the real Derby and Sheffield geography that ships with Cohesion",
        )

        self._add_statistics_parsers(sub)

        locate = sub.add_parser("locate", help="Show the LSOA, ward and council at a point")
        locate.add_argument("lat", type=float)
        locate.add_argument("lon", type=float)

        lst = sub.add_parser("list", help="List councils, or the areas of one council")
        lst.add_argument("council", nargs="?", help="Council GSS code, e.g. E06000015")
        lst.add_argument("--level", choices=[level.value for level in AreaLevel], default="ward")

    def _add_statistics_parsers(self, sub: Any) -> None:
        common = (
            "Rows for areas outside the loaded councils are skipped, so national files are fine. "
            "Importing the same topic, edition and geography again replaces it; nothing is "
            "changed if any row has a problem."
        )
        census = sub.add_parser(
            "import-census",
            help="Import a Census 2021 table (OA, LSOA or MSOA) from ONS's CSV",
            description=(
                "Import a Census 2021 table: ONS's bulk CSV (census2021-ts004-lsoa.csv …), an "
                "ONS 'create a custom dataset' download, or Cohesion's bundled layout. The "
                "geography is found from the codes (E00 output areas, E01 LSOAs, E02 MSOAs). "
                + common
            ),
        )
        census.add_argument("file", type=Path, metavar="FILE.csv")
        census.add_argument("--topic", required=True, choices=CENSUS_TOPICS)
        census.add_argument("--geography", choices=["oa", "lsoa", "msoa"])
        census.add_argument("--edition", default="Census 2021")
        census.add_argument("--source", default="", help="Publisher and table, shown with figures")

        imd = sub.add_parser(
            "import-imd",
            help="Import the English Indices of Deprivation (ranks, deciles, scores) by LSOA",
            description=(
                "Import MHCLG's English Indices of Deprivation files (IoD 2019 by 2011 LSOA, IoD "
                "2025 by 2021 LSOA): ranks, deciles and scores of the IMD, its domains and "
                "sub-domains. Give several files of one edition (e.g. File 2 and File 5) to "
                "join them. " + common
            ),
        )
        imd.add_argument("file", type=Path, nargs="+", metavar="FILE.csv")
        imd.add_argument("--edition", default="IoD 2019", help='"IoD 2019" or "IoD 2025"')
        imd.add_argument("--source", default="")

        population = sub.add_parser(
            "import-population",
            help="Import ONS mid-year small area population estimates (single year of age)",
            description=(
                "Import ONS mid-year LSOA population estimates: an LSOA code column, 'All Ages' "
                "or 'Total', and single years 0 to 90+. " + common
            ),
        )
        population.add_argument("file", type=Path, metavar="FILE.csv")
        population.add_argument("--edition", default="Mid-2020")
        population.add_argument("--source", default="")

        sub.add_parser(
            "load-bundled-statistics",
            help="Load the real Derby and Sheffield census, deprivation and population tables",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "handle_" + options["action"].replace("-", "_"))
        try:
            with audit_channel("cli"):
                handler(options)
        except AreaImportError as exc:
            raise CommandError(str(exc)) from None

    def handle_import(self, options: dict[str, Any]) -> None:
        summary = actions.import_area_boundaries(
            by=None,
            path=options["boundaries"],
            level=AreaLevel(options["level"]),
            generation=options["generation"],
            code_property=options["code_property"],
            name_property=options["name_property"],
            council_property=options["council_property"],
            parent_property=options["parent_property"],
            council=options["council"],
        )
        self.stdout.write(self.style.SUCCESS(f"{options['boundaries']}: {summary}"))

    def handle_import_lookup(self, options: dict[str, Any]) -> None:
        summary = actions.import_area_lookup(
            by=None,
            path=options["lookup"],
            lookup=options["kind"],
            to_generation=options["ward_generation"],
            skip_missing=options["skip_missing"],
        )
        self.stdout.write(self.style.SUCCESS(f"{options['lookup']}: {summary}"))

    def handle_load_bundled(self, options: dict[str, Any]) -> None:
        for line in load_bundled_geography(by=None):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Derby and Sheffield geography loaded."))

    def _import_statistics(self, options: dict[str, Any], topic: str) -> None:
        summary = profile_actions.import_statistics(
            by=None,
            path=options["file"],
            topic=topic,
            edition=options["edition"],
            geography=options.get("geography"),
            source=options["source"],
        )
        files = options["file"] if isinstance(options["file"], list) else [options["file"]]
        self.stdout.write(self.style.SUCCESS(f"{', '.join(str(f) for f in files)}: {summary}"))
        for note in summary.notes:
            self.stdout.write(f"  note: {note}")

    def handle_import_census(self, options: dict[str, Any]) -> None:
        self._import_statistics(options, options["topic"])

    def handle_import_imd(self, options: dict[str, Any]) -> None:
        self._import_statistics(options, "deprivation")

    def handle_import_population(self, options: dict[str, Any]) -> None:
        self._import_statistics(options, "population")

    def handle_load_bundled_statistics(self, options: dict[str, Any]) -> None:
        for line in load_bundled_statistics(by=None):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Derby and Sheffield statistics loaded."))

    def handle_locate(self, options: dict[str, Any]) -> None:
        found = locate_point(options["lat"], options["lon"])
        for label, area in (("LSOA", found.lsoa), ("Ward", found.ward), ("Council", found.council)):
            self.stdout.write(
                f"{label:8} {area.code + '  ' + area.name if area else '(none loaded here)'}"
            )

    def handle_list(self, options: dict[str, Any]) -> None:
        if not options["council"]:
            for council in Area.objects.councils().order_by("name"):
                self.stdout.write(f"{council.code}  {council.name}")
            return
        areas = Area.objects.filter(
            council__code=options["council"].upper(), level=options["level"]
        ).order_by("name", "generation")
        if not areas.exists():
            raise CommandError(f"No {options['level']} areas loaded for {options['council']}")
        for area in areas:
            self.stdout.write(f"{area.code}  {area.generation}  {area.name}")
