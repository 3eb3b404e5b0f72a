from .applicants import Enterprise, Person
from .departments import Department, DepartmentRole

__all__ = ["Department", "DepartmentRole", "Enterprise", "Person"]
