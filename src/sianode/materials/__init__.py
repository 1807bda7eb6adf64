"""sianode.materials"""
