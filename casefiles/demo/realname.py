"""The demo persons' real-name levels (实名认证等级), recorded as the other components will:

- 张伟 (``citizen1``): registered, then checked in person at the window by the ``window`` clerk;
- 李娜 (``citizen2``): registered, then signed in with the provincial unified identity — short of
  社会保障卡申领, which needs a check in person (the portal tells her what to do);
- 王芳 (no account): checked in person when she came to the window.

Idempotent, as ``levels.record`` is.
"""

from casefiles.demo.directory import PERSONS, demo_resident_id
from casefiles.directory import lookup
from casefiles.realname import levels

# A demo issuer: the real provincial platform's is configured with the sign-in (OpenID Connect).
DEMO_ISSUER = "https://tyrz.example.gov.cn"


def load_levels(users: dict) -> None:
    clerk = users["window_clerk"]
    zhang, li, wang = (lookup.person_with_id_number(demo_resident_id(body)) for body, _name, _user in PERSONS)
    for person in (zhang, li):
        levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="身份证号码校验；手机号码已验证")
    levels.record(zhang, levels.IN_PERSON, by=clerk, method=levels.WINDOW, evidence="居民身份证")
    levels.record(li, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence=f"{DEMO_ISSUER} demo-citizen2")
    levels.record(wang, levels.IN_PERSON, by=clerk, method=levels.WINDOW, evidence="居民身份证")
