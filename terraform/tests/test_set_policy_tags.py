"""Unit tests of terraform/scripts/set_policy_tags.py (the schema change only:
the BigQuery API itself cannot be reached offline)."""

import importlib.util
import pathlib
import unittest

_SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "scripts" / "set_policy_tags.py"
_SPEC = importlib.util.spec_from_file_location("set_policy_tags", _SCRIPT)
set_policy_tags = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(set_policy_tags)

TAG = "projects/p/locations/eu/taxonomies/1/policyTags/2"
OTHER = "projects/p/locations/eu/taxonomies/1/policyTags/3"


class TagColumnsTest(unittest.TestCase):
    def test_tagColumns_tagsOnlyTheNamedColumns(self):
        schema = {"fields": [{"name": "customer_id", "type": "STRING"}, {"name": "email", "type": "STRING"}]}

        tagged = set_policy_tags.tag_columns(schema, {"email"}, TAG)

        self.assertEqual(tagged["fields"][0], {"name": "customer_id", "type": "STRING"})
        self.assertEqual(tagged["fields"][1]["policyTags"], {"names": [TAG]})
        self.assertNotIn("policyTags", schema["fields"][1], "the input schema is left as it was")

    def test_tagColumns_keepsOtherTagsAndDoesNotRepeatItsOwn(self):
        schema = {"fields": [{"name": "Email", "type": "STRING", "policyTags": {"names": [OTHER, TAG]}}]}

        tagged = set_policy_tags.tag_columns(schema, {"email"}, TAG)

        self.assertEqual(tagged["fields"][0]["policyTags"], {"names": [OTHER, TAG]})

    def test_tagColumns_failsOnAColumnTheTableLacks(self):
        schema = {"fields": [{"name": "email", "type": "STRING"}]}

        with self.assertRaisesRegex(ValueError, "no such column.*date_of_birth"):
            set_policy_tags.tag_columns(schema, {"email", "date_of_birth"}, TAG)


if __name__ == "__main__":
    unittest.main()
