"""sianode.solidstate"""
