"""Small pieces several apps share: who is asking (an account or a browser), and how often."""
