"""How a case's files are served — materials, notices, agents' authorisations — by the portal,
the API and the workbench alike.

Files are served to be looked at, never to run:
- the content type is the kind detected from the bytes when the file came in (an unknown one
  is served as ``application/octet-stream``), and the browser may not guess another
  (``X-Content-Type-Options: nosniff``);
- the name (``Content-Disposition``) is the one shown, ending in that kind's extension
  (casefiles.materials.filetypes.download_name): a PDF uploaded as ``scan.hta`` is saved as ``scan.pdf``;
- a sandbox with no scripts and no plugins beyond the browser's own viewer, framed only by the
  site itself; shown inline only what the browser shows by itself (PDF, JPEG, PNG), everything
  else downloaded.
"""

from django.http import FileResponse

from casefiles.materials import filetypes

FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
PREVIEWABLE = {"application/pdf": "pdf", "image/jpeg": "image", "image/png": "image"}


def preview_kind(content_type: str) -> str | None:
    """How a file of ``content_type`` is shown inline ("pdf", "image"), or None: downloaded only."""
    return PREVIEWABLE.get(content_type)


def file_response(handle, *, name: str, content_type: str, inline: bool = False) -> FileResponse:
    """``handle`` (an open file) served under ``name`` as ``content_type``; ``inline`` if it can be."""
    if filetypes.kind_of(content_type) is None:
        content_type = "application/octet-stream"
    inline = inline and preview_kind(content_type) is not None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=filetypes.download_name(name, content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Referrer-Policy"] = "same-origin"
    return response
