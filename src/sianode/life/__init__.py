"""sianode.life"""
