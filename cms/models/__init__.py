from .bundle import BundleIndexPage, BundleItem, BundlePage
from .department import DepartmentIndexPage, DepartmentPage
from .guide import GuideIndexPage, MaterialRequirement, ServiceItemPage, ServiceObject
from .home import HomePage
from .policy import EnterpriseScale, Industry, PolicyIndexPage, PolicyPage, PolicyRelatedItem
from .topic import LifeEvent, TopicIndexPage, TopicItem, TopicPage

__all__ = [
    "BundleIndexPage",
    "BundleItem",
    "BundlePage",
    "DepartmentIndexPage",
    "DepartmentPage",
    "EnterpriseScale",
    "GuideIndexPage",
    "HomePage",
    "Industry",
    "LifeEvent",
    "MaterialRequirement",
    "PolicyIndexPage",
    "PolicyPage",
    "PolicyRelatedItem",
    "ServiceItemPage",
    "ServiceObject",
    "TopicIndexPage",
    "TopicItem",
    "TopicPage",
]
