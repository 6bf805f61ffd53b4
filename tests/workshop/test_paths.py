"""``workshop.paths.hide_paths``: the one scrubber of machine paths (notebook runner and site)."""

import sys
import sysconfig

from workshop.paths import REPOSITORY_ROOT, hide_paths


def test_custom_prefixes_are_replaced_longest_first():
    text = (
        "File /home/u/w/.venv/lib/site-packages/django/db.py and /home/u/w/app/db.py and /home/u/x"
    )
    pairs = [
        ("/home/u/", "~/"),
        ("/home/u/w/", ""),
        ("/home/u/w/.venv/lib/site-packages/", "site-packages/"),
    ]
    assert hide_paths(text, pairs) == "File site-packages/django/db.py and app/db.py and ~/x"


def test_this_machines_paths_are_hidden_by_default():
    site_packages = sysconfig.get_paths()["purelib"]
    text = (
        f'File "{site_packages}/django/db/utils.py", line 1\n'
        f'File "{REPOSITORY_ROOT}/app/db.py", line 2\n'
        f'File "{sysconfig.get_paths()["stdlib"]}/asyncio/base_events.py", line 3\n'
        f'File "{sys.base_prefix}/bin/python3", line 4'
    )
    assert hide_paths(text) == (
        'File "site-packages/django/db/utils.py", line 1\n'
        'File "app/db.py", line 2\n'
        'File "python/asyncio/base_events.py", line 3\n'
        'File "python/bin/python3", line 4'
    )


def test_ipython_cell_files_become_cell():
    text = "Cell In[3], line 2 (/tmp/ipykernel_4242/1234567.py)"
    assert hide_paths(text) == "Cell In[3], line 2 (<cell>)"


def test_a_one_character_prefix_is_never_replaced():
    """A home of "/" would otherwise turn every slash into "~/"."""
    assert hide_paths("a/b", [("/", "~/")]) == "a/b"
