from .bundle import BundleIndexPage, BundleItem, BundlePage
from .department import DepartmentIndexPage, DepartmentPage
from .guide import GuideIndexPage, MaterialRequirement, ServiceItemPage
from .home import HomePage
from .index import IndexPage
from .owned import DepartmentOwned, ServiceObject
from .policy import EnterpriseScale, Industry, PolicyCondition, PolicyIndexPage, PolicyPage, PolicyRelatedItem
from .topic import LifeEvent, TopicIndexPage, TopicItem, TopicPage

__all__ = [
    "BundleIndexPage",
    "BundleItem",
    "BundlePage",
    "DepartmentIndexPage",
    "DepartmentOwned",
    "DepartmentPage",
    "EnterpriseScale",
    "GuideIndexPage",
    "HomePage",
    "IndexPage",
    "Industry",
    "LifeEvent",
    "MaterialRequirement",
    "PolicyCondition",
    "PolicyIndexPage",
    "PolicyPage",
    "PolicyRelatedItem",
    "ServiceItemPage",
    "ServiceObject",
    "TopicIndexPage",
    "TopicItem",
    "TopicPage",
]
