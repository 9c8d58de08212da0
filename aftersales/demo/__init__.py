"""A realistic demo data set, loaded by ``manage.py load_demo`` through the services."""
