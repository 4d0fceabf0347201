from django.contrib import admin

from onedoor.core.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "postcode_areas", "rural")
    list_filter = ("kind", "rural")
