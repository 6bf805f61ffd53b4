"""The course's machinery: everything the workshop needs around the product in ``app/``.

Never copied into the Docker image. Depends on ``app``; ``app`` never imports it.
"""
