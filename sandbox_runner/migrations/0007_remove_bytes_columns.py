from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox_runner', '0006_move_bytes_into_file_storage'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='runartifact',
            name='content',
        ),
        migrations.RemoveField(
            model_name='upload',
            name='content',
        ),
    ]
