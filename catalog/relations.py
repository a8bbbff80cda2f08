"""How two compounds of the catalog relate (RelatedForm.relation), spelled once for the models and the checks."""

from django.db import models


class Relation(models.TextChoices):
    SALT_FORM = "salt_form", "has salt form"
    ENANTIOMER = "enantiomer", "has enantiomer"
    ACTIVE_METABOLITE = "active_metabolite", "has active metabolite"


INVERSE_LABELS = {
    Relation.SALT_FORM: "is a salt form of",
    Relation.ENANTIOMER: "is an enantiomer of",
    Relation.ACTIVE_METABOLITE: "is an active metabolite of",
}
