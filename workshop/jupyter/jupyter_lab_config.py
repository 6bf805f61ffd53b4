"""JupyterLab as the workshop opens it: ``make lab`` runs ``jupyter lab --config=<this file>``.

- The repository root is JupyterLab's root, so the file browser reaches ``exercises/`` and
  "File > Open from Path" finds ``exercises/ex01_django_setup.py`` as the lessons say.
- It opens on lesson 00 rather than on the Launcher.
- No traffic leaves the machine and no popup asks about it: no news feed, no update check
  (``settings/overrides.json`` answers the "Get notified about official Jupyter news?" question).
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY_ROOT = HERE.parents[1]

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (traitlets defines it while loading this file)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.root_dir = str(REPOSITORY_ROOT)
c.LabApp.default_url = "/lab/tree/notebooks/00_welcome.ipynb"
# Default settings of JupyterLab's extensions, for this workshop only (never the user's own files).
c.LabApp.app_settings_dir = str(HERE / "settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# The site's tools bring jupytext, whose server extension would list exercises/*.py as notebooks:
# an exercise is a Python file, opened and edited as one, with or without the site's tools.
c.ServerApp.jpserver_extensions = {"jupyterlab_jupytext": False}
