"""The Zhuhai demo, loaded in order: the directory, the persons' real-name levels and an
enterprise's members, a self-registered citizen, the published content, licenses, the items' application forms,
cases, an agent, bundles, 秒批 with a 告知承诺 check, 惠企政策 (the enterprises' files, a subscription,
免申即享 under way), supervision (handlers, orders, lights,
alerts and cards), and 好差评 (a review at every level, one rectified and reviewed again).

``load_demo`` is idempotent: running it again updates the same records and creates nothing
twice. Passwords are for development only and documented in docs/demo.md.
"""

from casefiles.demo.agents import load_agents
from casefiles.demo.bundles import load_bundles
from casefiles.demo.cases import load_cases
from casefiles.demo.directory import DEMO_PASSWORD, load_department_pages, load_departments, load_people
from casefiles.demo.evaluations import load_evaluations
from casefiles.demo.expedited import load_expedited
from casefiles.demo.forms import load_forms
from casefiles.demo.licenses import load_licenses
from casefiles.demo.realname import load_levels
from casefiles.demo.members import load_members
from casefiles.demo.policies import load_policies, load_qualifications
from casefiles.demo.registration import load_self_registered
from casefiles.demo.supervision import load_supervision
from casefiles.directory import roles
from casefiles.directory.models import Enterprise, Person
from cms.demo import load_content


def load_demo(stdout=None) -> None:
    roles.ensure_global_groups()
    departments = load_departments()
    users = load_people(departments)
    load_levels(users)  # before the cases: the persons apply with the levels they have
    load_members()  # an enterprise's administrator and handler, mobiles to invite by (and proven)
    load_self_registered()  # 陈晓明, who registered on the portal with her mobile number
    load_qualifications()  # before the content: the policies' conditions name them
    load_content(stdout=stdout)  # guides, bundles, policies and topics belong to publishing
    load_department_pages(departments)  # their addresses, office hours and phones (the site's tree is there now)
    load_licenses(stdout=stdout)  # after the catalog (its license types), before cases approve more
    load_forms(stdout=stdout)  # after the license layouts: every field of a certificate has its source
    load_cases(stdout=stdout)  # after the content: the cases are filed against its guides
    load_agents(stdout=stdout)  # after the cases: the helper is authorised on one of them
    load_bundles(stdout=stdout)  # 一件事 in progress, and the 一照通行 activities
    load_expedited(stdout=stdout)  # 秒批 on 公共场所卫生许可, and a 告知承诺 case's open check (after the cases)
    load_policies(stdout=stdout)  # the files, a subscription, 免申即享 under way (after the cases, before supervision)
    load_supervision(stdout=stdout)  # handlers, orders, the supervision pass's lights, alerts and cards
    load_evaluations(stdout=stdout)  # 好差评 on the closed cases, one rectified and reviewed again (last)
    if stdout is not None:
        stdout.write(
            f"Demo loaded: {len(departments)} departments, {len(users)} users, "
            f"{Enterprise.objects.count()} enterprises, {Person.objects.count()} persons. "
            f"Password for every demo user: {DEMO_PASSWORD}"
        )
