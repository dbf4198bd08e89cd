"""The files of recordings: the public Opus and MP3 of a published, converted recording (kichwa.file_urls), and any
file of a recording, the original included, for the staff who may see the record it belongs to."""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse, StreamingHttpResponse

from conecta.files import stored_file_response

from . import audio, selectors
from .models import Recording

LARGEST_PK = 2**63 - 1
SHA256 = re.compile(r"[0-9a-f]{64}")
RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024


def recording_file(request, pk: str, digest: str, ext: str):
    """The Opus or MP3 file of a published, converted recording, at the address its page links to: the file's
    SHA-256 is in it, so the bytes at an address never change and browsers keep them (conecta.files). One query;
    404 for anything else. Answers byte ranges: Safari plays audio only from a server that does."""
    kind = selectors.PUBLIC_FILES.get(ext)
    recording = None
    if kind is not None and pk.isdigit() and int(pk) <= LARGEST_PK and SHA256.fullmatch(digest):
        _ext, field, content_type, _label = kind
        recording = (
            selectors.published_recordings()
            .filter(pk=pk, **{f"{field}_sha256": digest})
            .only("pk", "language", field, f"{field}_sha256", f"{field}_size")
            .first()
        )
    if recording is None:
        raise Http404("no such recording file")
    response = stored_file_response(
        request,
        getattr(recording, field),
        content_type=content_type,
        filename=selectors.download_name(recording, ext),
        inline=True,
        sha256=digest,
    )
    return byte_range(request, response, getattr(recording, field), etag=f'"{digest}"')


@staff_member_required
def recording_file_staff(request, pk: int, kind: str):
    """A recording's original (as uploaded), Opus or MP3 file, for a staff member who may see the recording (the
    view permission on recordings, or on the record it belongs to); always a private download."""
    if kind not in ("original", "opus", "mp3") or pk > LARGEST_PK:
        raise Http404("no such recording file")
    recording = Recording.objects.filter(pk=pk).select_related("content_type").first()
    if recording is None or not _may_see(request, recording):
        raise Http404("no such recording file")
    file = getattr(recording, kind)
    if not file:
        raise Http404("not converted yet")
    if kind == "original":
        extension = file.name.rsplit(".", 1)[-1]
        container = next((c for c in audio.CONTAINERS.values() if c.extension == extension), None)
        content_type = container.content_type if container else "application/octet-stream"
    else:
        content_type = selectors.PUBLIC_FILES[kind][2]
    name = selectors.download_name(recording, extension if kind == "original" else kind)
    if kind == "original":
        name = name.replace("grabacion", "grabacion-original")
    return stored_file_response(request, file, content_type=content_type, filename=name, inline=False)


def _may_see(request, recording: Recording) -> bool:
    if request.user.has_perm("kichwa.view_recording"):
        return True
    model = recording.content_type.model_class()
    if model is None or not admin.site.is_registered(model):
        return False
    # Through the record's admin: its queryset is scoped to what the person may see (an implementer, their
    # department's records), and its permissions say whether they may see it.
    record_admin = admin.site.get_model_admin(model)
    target = record_admin.get_queryset(request).filter(pk=recording.object_id).first()
    return target is not None and record_admin.has_view_or_change_permission(request, target)


def byte_range(request, response, file, *, etag: str):
    """`response` (a whole file) cut to the one byte range the request asks for (206), or a 416 for a range past
    the end; unchanged when there is no range, several, or an If-Range for other bytes."""
    response["Accept-Ranges"] = "bytes"
    header = request.headers.get("Range", "")
    if response.status_code != 200 or not header:
        return response
    if request.headers.get("If-Range", etag) != etag:
        return response
    match = RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return response
    size = file.storage.size(file.name)
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        _discard(response)
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    handle = file.storage.open(file.name, "rb")
    handle.seek(start)
    partial = StreamingHttpResponse(_read(handle, end - start + 1), status=206)
    for name, value in response.items():
        if name.lower() != "content-length":
            partial[name] = value
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    partial._csp_exempt = partial._csp_exempt_ro = True
    _discard(response)
    return partial


def _discard(response) -> None:
    """Close the file of a whole-file response replaced by a range. Not response.close(): that also signals the end
    of the request (request_finished), which closes the database connection in the middle of this one."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()


def _read(handle, length: int):
    with handle:
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
