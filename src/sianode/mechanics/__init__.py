"""sianode.mechanics"""
