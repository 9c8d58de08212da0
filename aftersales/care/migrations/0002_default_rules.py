"""The source's follow-up rules for every order kind and a starting call script (domain.md
Follow-up §15 4–5, §12): consultations get no call-back (there was no job), only the follow-ups."""

from django.db import migrations

KINDS = ("consultation", "repair", "installation", "maintenance", "complaint", "exchange", "return_to_factory")

QUESTIONS = (
    (10, "问题是否已彻底解决？", "yes_no", "", False),
    (20, "设备目前的使用情况如何？", "choice", "良好|一般|仍有问题", False),
    (30, "对服务人员的态度是否满意？", "score", "", False),
    (40, "您对我们的服务有什么意见或建议？", "text", "", False),
)


def add(apps, schema_editor):
    rule = apps.get_model("care", "FollowUpRule")
    question = apps.get_model("care", "ScriptQuestion")
    for kind in KINDS:
        rule.objects.get_or_create(kind=kind, defaults={"callback": kind != "consultation"})
    if not question.objects.exists():
        for position, text, answer_type, choices, required in QUESTIONS:
            question.objects.create(
                position=position, text=text, answer_type=answer_type, choices=choices, required=required
            )


def remove(apps, schema_editor):
    apps.get_model("care", "FollowUpRule").objects.filter(kind__in=KINDS).delete()
    apps.get_model("care", "ScriptQuestion").objects.filter(text__in=[q[1] for q in QUESTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_care")]

    operations = [migrations.RunPython(add, remove)]
