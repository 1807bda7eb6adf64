"""sianode.cell"""
