"""What evaluations add to the others: the 扫码评价 block (the signed link and its QR code) on
the notices that close a case (``links.NOTICE_KINDS``)."""

from casefiles.evaluations import links
from casefiles.notices import documents


@documents.adds_qr_block
def review_link(case, kind):
    if kind not in links.NOTICE_KINDS:
        return None
    return "扫码评价（好差评）", links.url_for(case)
