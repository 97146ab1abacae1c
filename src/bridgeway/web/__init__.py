"""The web application: assembles every domain's JSON API routes and HTML pages."""
