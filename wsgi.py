from voterguide import create_app

app = create_app()
