"""Names every package shares: region levels, the national pseudo-code and the three forums."""

from __future__ import annotations

NASIONAL, PROVINSI, KABKOTA = "nasional", "provinsi", "kabkota"
# The nation's row in the results has this code (provinces are "63", kab/kota "63.03").
NATIONAL_CODE = "00"
# The local forums the assistant advises: Forum Kerukunan Umat Beragama, Forum Pembauran Kebangsaan,
# Forum Kewaspadaan Dini Masyarakat.
FORUMS = ("FKUB", "FPK", "FKDM")
