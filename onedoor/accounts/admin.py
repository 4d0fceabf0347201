from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from onedoor.accounts.models import Team, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "collar_number", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Policing", {"fields": ("role", "team", "collar_number")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Policing", {"fields": ("role", "team", "collar_number")}))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "division")
