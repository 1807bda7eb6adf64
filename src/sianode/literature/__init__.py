"""sianode.literature"""
