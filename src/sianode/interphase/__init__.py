"""sianode.interphase"""
