"""Safe first contact with a dropped file: refuse what must not be opened or decoded.

A drop folder receives anything: symbolic links (possibly to files elsewhere), named pipes that
would block a reader forever, files without read permission, files that vanish while read, and
images whose header promises billions of pixels. Each becomes an `InputError` with a one-line
message before any parser sees the file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from capture.errors import InputError

#: Images with more pixels are refused from their header, before decoding (a decompression bomb).
MAX_IMAGE_PIXELS = 80_000_000
#: Pages (frames) read from one image file: more is a scanner batch to split, not an invoice.
MAX_IMAGE_FRAMES = 100

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow itself refuses anything over twice this


def check_regular_file(path: Path) -> None:
    """Refuse symbolic links and anything that is not a regular file, without following links."""
    try:
        info = os.lstat(path)
    except FileNotFoundError as error:
        raise InputError("the file vanished before it was read (moved or deleted)") from error
    if stat.S_ISLNK(info.st_mode):
        raise InputError("a symbolic link, not a file: copy the file itself into the folder")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a pipe, socket or device): only files are read")


def sha256_regular(path: Path) -> str:
    """sha256 of a regular file, opened without following links or blocking on a pipe."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as error:
        raise InputError("the file vanished before it was read (moved or deleted)") from error
    except PermissionError as error:
        raise InputError("permission denied: the file cannot be read (check its permissions)") from error
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError("a symbolic link, not a file: copy the file itself into the folder") from error
        raise
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise InputError("not a regular file (a pipe, socket or device): only files are read")
        digest = hashlib.sha256()
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_image_header(path: Path) -> None:
    """Refuse an image from its header alone: unreadable, too many pixels, too many pages."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise InputError(_too_many_pixels("its header")) from error
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError) as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    except OSError as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(_too_many_pixels(f"{width}x{height} pixels"))
    if frames > MAX_IMAGE_FRAMES:
        raise InputError(f"the image has {frames} pages; at most {MAX_IMAGE_FRAMES} are read (split the file)")


def _too_many_pixels(what: str) -> str:
    return (
        f"the image is too large ({what}: more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels); "
        "refused before decoding (a decompression bomb, not a scan)"
    )
