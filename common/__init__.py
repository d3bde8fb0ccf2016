"""Small pieces several apps share: who is asking (an account or a browser), how often, and CSRF for cached pages."""
