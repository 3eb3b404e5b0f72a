from casefiles.directory import seals


def test_the_drawn_seal_sets_the_name_along_an_arc():
    characters = seals.drawn_seal("珠海市市场监督管理局")
    assert "".join(c.text for c in characters) == "珠海市市场监督管理局"
    angles = [c.angle for c in characters]
    assert angles == sorted(angles) and angles[0] == -angles[-1]


def test_every_character_stays_inside_the_ring():
    for diameter in (seals.NOTICE_DIAMETER, seals.CERTIFICATE_DIAMETER):
        for c in seals.drawn_seal("珠海市香洲区行政审批服务管理局综合窗口", diameter):
            centre_x, centre_y = c.left + c.size / 2, c.top + c.size / 2
            assert ((centre_x - diameter / 2) ** 2 + (centre_y - diameter / 2) ** 2) ** 0.5 < diameter / 2 - c.size / 2
