from .applicants import Enterprise, Person
from .departments import Department, DepartmentRole
from .licenses import LicenseType

__all__ = ["Department", "DepartmentRole", "Enterprise", "LicenseType", "Person"]
