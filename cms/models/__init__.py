from cms.models.bundle import BundleIndexPage, BundleItem, BundlePage
from cms.models.department import DepartmentIndexPage, DepartmentPage
from cms.models.guide import GuideIndexPage, MaterialRequirement, ServiceItemPage, ServiceObject
from cms.models.home import HomePage
from cms.models.policy import EnterpriseScale, Industry, PolicyIndexPage, PolicyPage, PolicyRelatedItem
from cms.models.topic import LifeEvent, TopicIndexPage, TopicItem, TopicPage

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
