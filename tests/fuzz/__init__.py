"""The hostile-input test's parts (tests/test_fuzz_forms.py): collect the demo's forms, generate values, check."""
