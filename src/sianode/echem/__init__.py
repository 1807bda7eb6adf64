"""sianode.echem"""
