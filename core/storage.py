"""Media files saved whole or not at all (docs/operations.md "Disk full").

`SafeFileSystemStorage` (STORAGES["default"]) removes the part of a file it could not finish
writing (the disk filled up): Django's FileSystemStorage leaves it. `saving_files()` wraps a
service's saves: when one fails, the files saved before it in the same call are deleted too and
the failure becomes a ValidationError with a clear Vietnamese message, so the service's
transaction rolls back and the form is shown again with what the user typed.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DISK_FULL = _(
    "Máy chủ đã hết chỗ lưu tệp nên chưa lưu được tệp đính kèm; không có gì được lưu dở. Nội dung bạn "
    "nhập vẫn còn: hãy chọn lại tệp và gửi lại sau ít phút, hoặc báo cho quản trị viên."
)
STORAGE_ERROR = _(
    "Máy chủ không lưu được tệp đính kèm; không có gì được lưu dở. Hãy chọn lại tệp và gửi lại, hoặc báo "
    "cho quản trị viên."
)
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            raise


class SavedFiles(list):
    def add(self, field_file) -> None:
        self.append((field_file.storage, field_file.name))


@contextlib.contextmanager
def saving_files():
    """`with saving_files() as saved: …; field_file.save(…); saved.add(field_file)` — see above."""
    saved = SavedFiles()
    try:
        yield saved
    except OSError as exc:
        _delete(saved)
        logger.error("a file could not be saved (%s): %s files of the same request removed", exc.errno, len(saved))
        raise ValidationError(DISK_FULL if is_disk_full(exc) else STORAGE_ERROR) from exc
    except BaseException:
        _delete(saved)
        raise


def _delete(saved: SavedFiles) -> None:
    for storage, name in saved:
        with contextlib.suppress(OSError):
            storage.delete(name)
