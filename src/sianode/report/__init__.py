"""sianode.report"""
