"""The shapes of what comes in and goes out, shared by the API and the pages: request bodies (``…Create``), answers
(``…Public``) and the field types with their bounds. Below both; imports only state/ and contracts/."""
