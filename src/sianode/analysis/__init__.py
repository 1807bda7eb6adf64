"""sianode.analysis"""
