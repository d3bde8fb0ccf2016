from django.db import migrations, models

import sandbox_runner.models


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox_runner', '0004_one_run_in_flight'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='run',
            constraint=models.UniqueConstraint(condition=models.Q(('learner__isnull', False), ('status__in', ('queued', 'running'))), fields=('learner',), name='one_run_in_flight_per_learner'),
        ),
        migrations.AddConstraint(
            model_name='run',
            constraint=models.UniqueConstraint(condition=models.Q(('learner__isnull', True), ('status__in', ('queued', 'running')), models.Q(('session_key', ''), _negated=True)), fields=('session_key',), name='one_run_in_flight_per_browser'),
        ),
        migrations.AddField(
            model_name='runartifact',
            name='file',
            field=models.FileField(blank=True, max_length=200, upload_to=sandbox_runner.models.artifact_path),
        ),
        migrations.AddField(
            model_name='runartifact',
            name='not_kept',
            field=models.CharField(blank=True, help_text='Why the bytes were not kept, e.g. "too large"; empty when kept.', max_length=100),
        ),
        migrations.AlterField(
            model_name='runartifact',
            name='size',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddField(
            model_name='upload',
            name='file',
            field=models.FileField(default='', max_length=200, upload_to=sandbox_runner.models.upload_path),
            preserve_default=False,
        ),
        # A default lets the bytes column come back empty if these migrations are ever reversed.
        migrations.AlterField(
            model_name='runartifact',
            name='content',
            field=models.BinaryField(default=b''),
        ),
        migrations.AlterField(
            model_name='upload',
            name='content',
            field=models.BinaryField(default=b''),
        ),
    ]
