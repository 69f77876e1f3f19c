"""gunicorn's access log without the secrets of URLs (docker-compose: --logger-class)."""

from gunicorn.glogging import Logger

from config.redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            atoms[key] = redact(atoms.get(key))
        return atoms
