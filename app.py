from readerdesk import create_app

app = create_app()
