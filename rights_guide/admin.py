"""Editors work in the Django admin, one tab per language; every change is audited."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from rights_guide import actions
from rights_guide.models import Article, Situation, Topic
from rights_guide.needs import Need


class ArticleAdminForm(forms.ModelForm):
    approved_languages = forms.MultipleChoiceField(
        label=_("approved languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Readers see a language version only once it is approved."),
    )
    needs = forms.MultipleChoiceField(
        label=_("needs"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class SituationAdminForm(forms.ModelForm):
    default_needs = forms.MultipleChoiceField(
        label=_("needs shown for this situation"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    form = ArticleAdminForm
    list_display = ("title", "topic", "is_published", "last_reviewed", "approved_languages")
    list_filter = ("topic", "is_published", "applies_regardless_of_status")
    list_select_related = ("topic",)
    search_fields = ("title", "slug")
    filter_horizontal = ("situations", "related_articles")
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        actions.guide_content_save(content=obj, actor=request.user, is_new=not change)


@admin.register(Topic)
class TopicAdmin(TabbedTranslationAdmin):
    list_display = ("title", "position")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        actions.guide_content_save(content=obj, actor=request.user, is_new=not change)


@admin.register(Situation)
class SituationAdmin(TabbedTranslationAdmin):
    form = SituationAdminForm
    list_display = ("title", "position")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        actions.guide_content_save(content=obj, actor=request.user, is_new=not change)
