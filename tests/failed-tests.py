"""Prints each failed test of a .trx file: "FAILED: <name>" and the first lines of its message."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

for result in ET.parse(sys.argv[1]).getroot().iter(NS + "UnitTestResult"):
    if result.get("outcome") != "Failed":
        continue
    print("FAILED: " + result.get("testName", "?"))
    message = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
    lines = (message.text or "").strip().splitlines() if message is not None else []
    for line in lines[:25]:
        print("    " + line[:300])
