"""The recently opened, per user (`people.RecentlyOpened`): the overview writes one upsert;
reading the list trims it to `recent.RECENT_MAX` rows per user."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_edits_and_changes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RecentlyOpened',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField()),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recently_opened', to='people.person')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['user', '-opened_at'], name='people_rece_user_id_db615e_idx')],
                'constraints': [models.UniqueConstraint(fields=('user', 'person'), name='recently_opened_unique')],
            },
        ),
    ]
